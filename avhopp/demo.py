"""Demo data of the avhoppare agreement across Göteborg, Malmö and Stockholm: the organisations
and users of Malmö and Stockholm, the agreement of 003, and uppdrag in several states walked
there through the real services. Invented people. Idempotent: organisations and users are
looked up by name, and an uppdrag whose client already has a case is skipped.

Runs after the base demo (``cases.demo.seed``), which creates Göteborg's socialnämnder."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone

from avhopp import rules, services
from avhopp.models import Agreement, DisclosureBasis, MeasureKind, NoticeReason
from cases.models import Case, Client, Membership, Organisation
from cases.personnummer import luhn_check_digit, parse_identity_number
from cases.roles import ROLES_BY_KIND, OrganisationKind, Role

if TYPE_CHECKING:
    from cases.demo import DemoAccount

AGREEMENT_NAME = (
    "Avtal om samverkan för insatser till avhoppare och skyddspersoner inom kriminalitet"
)
AGREEMENT_START = date(2026, 1, 1)

# (slug, name, short name, parent slug); the kommuner first.
ORGANISATIONS = (
    ("malmo-stad", "Malmö stad", "Malmö", None),
    (
        "malmo",
        "Malmö stad, arbetsmarknads- och socialnämnden",
        "ASN Malmö",
        "malmo-stad",
    ),
    ("stockholms-stad", "Stockholms stad", "Stockholm", None),
    ("stockholm", "Stockholms stad, socialnämnden", "SN Stockholm", "stockholms-stad"),
    ("jarva", "Stockholms stad, Järva stadsdelsnämnd", "Järva SDN", "stockholms-stad"),
    ("farsta", "Stockholms stad, Farsta stadsdelsnämnd", "Farsta SDN", "stockholms-stad"),
)
# 003 § 1: the parties are these nämnder.
GOTEBORG_PARTIES = (
    "Göteborgs stad, socialnämnden Nordost",
    "Göteborgs stad, socialnämnden Centrum",
    "Göteborgs stad, socialnämnden Sydväst",
    "Göteborgs stad, socialnämnden Hisingen",
)
ROLE_PREFIX: dict[str, str] = {
    Role.SOCIALSEKRETERARE: "soc",
    Role.ENHETSCHEF: "chef",
    Role.SAMORDNARE: "samordnare",
    Role.REGISTRATOR: "reg",
    Role.SYSTEMFORVALTARE: "sysf",
}
NAMES = (
    ("Amira", "Haddad"),
    ("Johan", "Lind"),
    ("Sofia", "Persson"),
    ("Omar", "Nilsson"),
    ("Elin", "Svensson"),
    ("Karim", "Bergström"),
    ("Maja", "Holm"),
    ("David", "Ek"),
    ("Lina", "Sandberg"),
    ("Ahmed", "Lundqvist"),
    ("Klara", "Wikström"),
    ("Viktor", "Åberg"),
    ("Hanna", "Engström"),
    ("Samir", "Forsberg"),
    ("Ida", "Dahl"),
    ("Nils", "Hedlund"),
    ("Fatima", "Sjöberg"),
    ("Oskar", "Blom"),
    ("Emma", "Lindgren"),
    ("Yusuf", "Hansson"),
)


@dataclass(frozen=True)
class DemoAssignment:
    """One invented uppdrag: who sends it to whom, and how far it has come."""

    birth: str
    serial: str
    first_name: str
    last_name: str
    actor: str
    receiver: str
    state: str  # forfragan, samrad, accepterat, genomforande, avslutad, avbruten, avbojd
    confirm_over_balance: bool = False


# Each kommun sends two and receives two (§ 4); the declined request does not count.
ASSIGNMENTS = (
    DemoAssignment(
        "960412", "318", "Adam", "Exempelsson", "soc.nordost", "soc.malmo", "genomforande"
    ),
    DemoAssignment("990130", "276", "Leo", "Påhittsson", "soc.malmo", "soc.jarva", "avslutad"),
    DemoAssignment("011107", "452", "Noah", "Testman", "soc.farsta", "soc.malmo", "samrad"),
    DemoAssignment("980822", "137", "Elias", "Demosson", "soc.malmo", "soc.hisingen", "forfragan"),
    DemoAssignment("000315", "594", "Liam", "Uppdiktad", "soc.jarva", "soc.centrum", "accepterat"),
    DemoAssignment("970709", "223", "Ali", "Fiktiv", "soc.centrum", "soc.farsta", "avbruten"),
    DemoAssignment(
        "020228", "381", "Theo", "Prövning", "soc.hisingen", "soc.stockholm", "avbojd", True
    ),
)


def seed_avhopp(*, password: str) -> list[DemoAccount]:
    """Organisations, users, the agreement and the uppdrag; returns the new demo accounts."""
    organisations = _seed_organisations()
    accounts = _seed_users(organisations, password=password)
    agreement = _seed_agreement(organisations)
    _seed_assignments(agreement)
    return accounts


def _seed_organisations() -> dict[str, Organisation]:
    by_slug: dict[str, Organisation] = {}
    for slug, name, short_name, parent in ORGANISATIONS:
        organisation, _ = Organisation.objects.update_or_create(
            name=name,
            defaults={
                "kind": OrganisationKind.KOMMUN,
                "short_name": short_name,
                "parent": by_slug[parent] if parent else None,
            },
        )
        by_slug[slug] = organisation
    return by_slug


def _seed_users(organisations: dict[str, Organisation], *, password: str) -> list[DemoAccount]:
    """One user per role per nämnd, as the base demo does for Göteborg."""
    from cases.demo import SYSTEMFORVALTARE_PERMISSIONS, DemoAccount

    User = get_user_model()
    admin_permissions = list(
        Permission.objects.filter(
            content_type__app_label__in=[app for app, _ in SYSTEMFORVALTARE_PERMISSIONS],
            content_type__model__in=[model for _, model in SYSTEMFORVALTARE_PERMISSIONS],
        )
    )
    accounts = []
    index = 0
    for slug, _name, _short, parent in ORGANISATIONS:
        if parent is None:
            continue  # users work in the nämnder, not in the kommun as a whole
        organisation = organisations[slug]
        for role in ROLES_BY_KIND[OrganisationKind.KOMMUN]:
            username = f"{ROLE_PREFIX[role]}.{slug}"
            first_name, last_name = NAMES[index % len(NAMES)]
            user, _ = User.objects.update_or_create(
                username=username,
                defaults={
                    "first_name": first_name,
                    "last_name": last_name,
                    "email": f"{username}@example.invalid",
                    "is_staff": role == Role.SYSTEMFORVALTARE,
                },
            )
            user.set_password(password)
            user.save(update_fields=["password"])
            Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
            if role == Role.SYSTEMFORVALTARE:
                user.user_permissions.set(admin_permissions)
            accounts.append(DemoAccount(username, organisation.name, str(Role(role).label)))
            index += 1
    return accounts


def _seed_agreement(organisations: dict[str, Organisation]) -> Agreement:
    agreement, _ = Agreement.objects.get_or_create(
        name=AGREEMENT_NAME,
        starts_on=AGREEMENT_START,
        defaults={"term_months": 24, "notice_months": 3},
    )
    parties = [
        organisations["malmo"],
        *Organisation.objects.filter(name__in=GOTEBORG_PARTIES),
        organisations["stockholm"],
        organisations["jarva"],
        organisations["farsta"],
    ]
    agreement.parties.set(parties)
    return agreement


def _user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


def _steps(
    case_id: int, home: Any, receiving: Any, today: date, *, started_days_ago: int
) -> dict[str, Callable[[], Any]]:
    """Each step by the kommun that takes it, with dates in the past."""

    def day(days_ago: int) -> date:
        return max(today - timedelta(days=days_ago), AGREEMENT_START)

    return {
        "samrad": lambda: services.consultation_start(case_id=case_id, actor=receiving),
        "police_home": lambda: services.police_consultation_record(
            case_id=case_id,
            actor=home,
            consulted_on=day(started_days_ago + 5),
            police_contact="Polisen, samordnare för avhopparverksamhet",
        ),
        "police_receiving": lambda: services.police_consultation_record(
            case_id=case_id,
            actor=receiving,
            consulted_on=day(started_days_ago + 3),
            police_contact="Polisen, lokalpolisområdets avhopparkontakt",
        ),
        "motivation": lambda: services.motivation_record(
            case_id=case_id,
            actor=home,
            motivated=True,
            motivation_note="Har själv sökt stöd för att lämna gruppen; deltar aktivt i samtal.",
        ),
        "description": lambda: services.description_save(
            case_id=case_id,
            actor=home,
            uppdragsbeskrivning=(
                "Krisstöd vid ankomst, kontaktperson och motivationssamtal med SIG-lots. "
                "Budget- och skuldrådgivning under första halvåret. Boendet ordnar hemkommunen."
            ),
        ),
        "accept": lambda: services.assignment_accept(case_id=case_id, actor=receiving),
        "implementation": lambda: services.implementation_start(
            case_id=case_id,
            actor=receiving,
            genomforandeplan=(
                "Vecka 1: krisstöd. Därefter kontaktperson två gånger i veckan, SIG-lots "
                "varannan vecka och budgetrådgivning. Uppföljning med hemkommunen varje månad."
            ),
            started_on=day(started_days_ago),
        ),
    }


def _measures(case_id: int, receiving: Any, today: date, *, previous_half: bool) -> None:
    """Costs in the previous half-year (a reconciliation that is due) or in the current one."""
    current = rules.HalfYear.of(today)
    if previous_half:
        period = rules.HalfYear.of(current.starts_on - timedelta(days=1))
        if period.ends_on < AGREEMENT_START:
            return
        dates = [period.ends_on - timedelta(days=60), period.ends_on - timedelta(days=20)]
    else:
        dates = [max(current.starts_on, today - timedelta(days=20)), today]
    dates = [max(d, AGREEMENT_START) for d in dates]
    for (kind, cost), cost_date in zip(
        ((MeasureKind.KRISSTOD, Decimal("8400.00")), (MeasureKind.SIG_LOTS, Decimal("15250.50"))),
        dates,
        strict=True,
    ):
        services.measure_book(
            case_id=case_id,
            actor=receiving,
            kind=kind,
            starts_on=cost_date - timedelta(days=14),
            ends_on=cost_date,
            cost=cost,
            cost_date=cost_date,
        )


def _seed_assignments(agreement: Agreement) -> None:
    today = timezone.localdate()
    for item in ASSIGNMENTS:
        core = item.birth + item.serial
        identity = parse_identity_number(f"{item.birth}-{item.serial}{luhn_check_digit(core)}")
        client = Client.objects.filter(id_number=identity.value).first()
        if client is not None and Case.objects.filter(client=client).exists():
            continue
        home, receiving = _user(item.actor), _user(item.receiver)
        home_org = Membership.objects.get(user=home, role=Role.SOCIALSEKRETERARE).organisation
        receiving_org = Membership.objects.get(
            user=receiving, role=Role.SOCIALSEKRETERARE
        ).organisation
        case = services.assignment_create(
            actor=home,
            agreement=agreement,
            home_municipality=home_org,
            receiving_municipality=receiving_org,
            receiving_handlaggare=receiving,
            identity=identity,
            first_name=item.first_name,
            last_name=item.last_name,
            disclosure_basis=DisclosureBasis.SAMTYCKE,
            confirm_over_balance=item.confirm_over_balance,
        )
        # Nordost → Malmö started early in the year: its costs fall in the previous half-year,
        # so its reconciliation is due.
        early = item.actor == "soc.nordost"
        steps = _steps(case.pk, home, receiving, today, started_days_ago=250 if early else 35)
        if item.state == "avbojd":
            steps["samrad"]()
            services.assignment_decline(
                case_id=case.pk,
                actor=receiving,
                reason="Polisen bedömer att hotbilden är för hög i den mottagande kommunen.",
            )
            continue
        order = ["samrad", "police_home", "police_receiving", "motivation", "description"]
        order += ["accept", "implementation"]
        stop = {
            "forfragan": 0,
            "samrad": 2,  # the mottagande kommun's police consultation is still missing
            "accepterat": 6,
        }.get(item.state, len(order))
        for name in order[:stop]:
            steps[name]()
        if item.state in {"genomforande", "avslutad"}:
            _measures(case.pk, receiving, today, previous_half=early)
        if item.state == "avslutad":
            services.assignment_close(
                case_id=case.pk, actor=home, end_note="Insatserna genomförda enligt planen."
            )
        if item.state == "avbruten":
            services.assignment_terminate(
                case_id=case.pk,
                actor=receiving,
                given_on=today - timedelta(days=10),
                reason_kind=NoticeReason.INGEN_MEDVERKAN,
                reason="Har avbrutit all kontakt sedan tre veckor trots upprepade försök.",
                written=True,
            )
