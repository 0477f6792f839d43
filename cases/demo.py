"""Creates the demo data set. Deterministic: the same input gives the same rows, and running it
again updates rather than duplicates (every row is looked up by a natural key)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from ansvarsforbindelse.demo import seed_care_providers, seed_commitments
from avhopp.demo import seed_avhopp
from cases.demo_data import CASES, FIRST_NAMES, LAST_NAMES, ORGANISATIONS, ROLE_PREFIX, DemoCase
from cases.demo_reminders import seed_reminder_demo
from cases.demo_workflows import seed_workflow_cases
from cases.models import Case, Client, Consent, DeadlineKind, Membership, Organisation
from cases.personnummer import luhn_check_digit, parse_identity_number
from cases.roles import ROLES_BY_KIND, Role
from cases.services.cases import case_create
from cases.services.consent import consent_record, consent_withdraw
from cases.services.deadlines import deadline_set
from deviations.demo import seed_deviations
from inslussning.demo import seed_inslussning

# The systemförvaltare manages organisations, users and memberships in the admin (DOMAIN §8).
SYSTEMFORVALTARE_PERMISSIONS = (
    ("accounts", "user"),
    ("cases", "organisation"),
    ("cases", "membership"),
    ("portal", "accessibilityreport"),
    ("cases", "reminderoffset"),
    ("cases", "reminderkindsetting"),
    ("cases", "reminder"),
    ("ansvarsforbindelse", "careprovider"),
)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    organisation: str
    role: str


@transaction.atomic
def seed(*, password: str) -> list[DemoAccount]:
    organisations = _seed_organisations()
    accounts = _seed_users(organisations, password=password)
    seed_care_providers()
    _seed_cases(organisations)
    seed_workflow_cases(organisations)
    seed_inslussning(organisations)
    seed_commitments()
    seed_deviations()
    accounts += seed_avhopp(password=password)
    seed_reminder_demo()
    return accounts


def _seed_organisations() -> dict[str, Organisation]:
    by_slug: dict[str, Organisation] = {}
    for item in ORGANISATIONS:
        organisation, _ = Organisation.objects.update_or_create(
            name=item.name,
            defaults={
                "kind": item.kind,
                "short_name": item.short_name,
                "parent": by_slug[item.parent] if item.parent else None,
            },
        )
        by_slug[item.slug] = organisation
    return by_slug


def _seed_users(organisations: dict[str, Organisation], *, password: str) -> list[DemoAccount]:
    User = get_user_model()
    admin_permissions = list(
        Permission.objects.filter(
            content_type__app_label__in=[app for app, _ in SYSTEMFORVALTARE_PERMISSIONS],
            content_type__model__in=[model for _, model in SYSTEMFORVALTARE_PERMISSIONS],
        )
    )
    accounts = []
    index = 0
    for item in ORGANISATIONS:
        organisation = organisations[item.slug]
        if item.parent is None and organisation.units.exists():
            continue  # users work in the socialnämnder, not in the kommun as a whole
        for role in ROLES_BY_KIND[item.kind]:
            username = f"{ROLE_PREFIX[role]}.{item.slug}"
            user, _ = User.objects.update_or_create(
                username=username,
                defaults={
                    "first_name": FIRST_NAMES[index % len(FIRST_NAMES)],
                    "last_name": LAST_NAMES[(index * 7) % len(LAST_NAMES)],
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


# A minimal, valid one-page PDF standing in for a scanned, signed sekretessblankett.
_BLANK_FORM_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]"
    b"/Count 1>>endobj 3 0 obj<</Type/Page/MediaBox[0 0 595 842]/Parent 2 0 R>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _identity(item: DemoCase) -> str:
    core = item.birth[2:] + item.serial
    return f"{item.birth}{item.serial}{luhn_check_digit(core)}"


def _seed_cases(organisations: dict[str, Organisation]) -> None:
    """Cases across organisations: with and without consent, one withdrawn consent, protected
    identities, and open deadlines (one overdue). Created through the services, so the
    timeline and the access rule are exactly what users will see."""
    User = get_user_model()
    for item in CASES:
        actor = User.objects.get(username=item.actor)
        membership = actor.memberships.select_related("organisation").first()
        assert membership is not None
        identity = parse_identity_number(_identity(item))
        client = Client.objects.filter(id_number=identity.value).first()
        if client is not None and Case.objects.filter(client=client).exists():
            continue  # already seeded: the demo is idempotent
        counterpart = organisations[item.counterpart]
        case = case_create(
            actor=actor,
            organisation=membership.organisation,
            case_type=item.case_type,
            identity=identity,
            first_name=item.first_name,
            last_name=item.last_name,
            protected_identity=item.protected,
            counterpart=counterpart,
            court=item.court,
            malnummer=item.malnummer,
        )
        parties = [membership.organisation, counterpart]
        if item.consent in {"muntligt", "aterkallat"}:
            consent = consent_record(
                case_id=case.pk,
                actor=actor,
                parties=parties,
                scope="Utbyte av uppgifter för planering och genomförande av insatserna.",
                given_on=timezone.localdate() - timedelta(days=3),
                form=Consent.Form.ORAL,
                oral_note="Klienten lämnade muntligt samtycke vid besök; samtycket läst upp.",
            )
            if item.consent == "aterkallat":
                consent_withdraw(
                    consent_id=consent.pk, actor=actor, note="Klienten ringde och återkallade."
                )
        elif item.consent == "skriftligt":
            consent_record(
                case_id=case.pk,
                actor=actor,
                parties=parties,
                scope="Utbyte av uppgifter inför vårdvistelse.",
                given_on=timezone.localdate() - timedelta(days=5),
                form=Consent.Form.WRITTEN,
                document=SimpleUploadedFile(
                    "sekretessblankett.pdf", _BLANK_FORM_PDF, "application/pdf"
                ),
            )
        if item.yttrande_in_days is not None:
            deadline_set(
                case=case,
                kind=DeadlineKind.YTTRANDE,
                label=str(DeadlineKind.YTTRANDE.label),
                due_date=timezone.localdate() + timedelta(days=item.yttrande_in_days),
                responsible_organisation=membership.organisation,
                responsible_user=actor,
                rule="Begäran + 14 dagar när klienten är häktad (riktlinjen)",
                actor=actor,
            )
