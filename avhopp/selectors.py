"""Reads of the avhopparuppdrag pages. Every uppdrag is read through
``Case.objects.visible_to(user)``, which lets only the users assigned to it see it (404 for
everyone else, colleagues in the same nämnd included)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, DecimalField, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from avhopp import rules
from avhopp.models import (
    Agreement,
    AgreementNotice,
    AssignmentDetails,
    AssignmentMeasure,
    DefectorAssignment,
    MeasureKind,
    Reconciliation,
)
from avhopp.permissions import ASSIGNED, kommun_memberships
from cases.models import CaseUserObjectPermission, Organisation, Participation
from cases.roles import Role
from cases.states import CaseType, State

if TYPE_CHECKING:
    from accounts.models import User

# "My uppdrag" on the overview is capped: nobody is assigned to more in a 24-month pilot of a
# handful of uppdrag per kommun, and the page must stay constant in queries and size.
MY_ASSIGNMENTS_CAP = 100


def kommun_of(organisation: Organisation) -> Organisation:
    """The kommun as a whole: a nämnd's parent, or the organisation itself."""
    return organisation.parent if organisation.parent_id else organisation  # type: ignore[return-value]


def _home_kommun_id() -> Coalesce:
    return Coalesce("home_municipality__parent_id", "home_municipality_id")


def _receiving_kommun_id() -> Coalesce:
    return Coalesce("receiving_municipality__parent_id", "receiving_municipality_id")


# --- The agreement ---------------------------------------------------------------------------


def current_agreement() -> Agreement | None:
    """The agreement in force (the latest that has started; before any has started, the first
    to come), with its parties and notices (3 queries)."""
    today = timezone.localdate()
    queryset = Agreement.objects.prefetch_related(
        Prefetch("parties", queryset=Organisation.objects.select_related("parent")),
        Prefetch("notices", queryset=AgreementNotice.objects.select_related("party")),
    )
    started = queryset.filter(starts_on__lte=today).order_by("-starts_on", "-id").first()
    return started or queryset.order_by("starts_on", "id").first()


def effective_end(agreement: Agreement) -> date:
    """The term's end, or earlier when a party has given notice (§ 11)."""
    ends = [notice.ends_on for notice in agreement.notices.all()]
    return min([agreement.ends_on, *ends])


def agreement_in_force(agreement: Agreement, *, today: date) -> bool:
    return agreement.starts_on <= today <= effective_end(agreement)


@dataclass(frozen=True)
class PartyGroup:
    kommun: Organisation
    namnder: list[Organisation]


@dataclass(frozen=True)
class AgreementSummary:
    agreement: Agreement
    groups: list[PartyGroup]
    notices: list[AgreementNotice]
    ends_on: date
    effective_end: date
    notice_latest_on: date
    warnings: list[str]


def agreement_summary(agreement: Agreement, *, today: date) -> AgreementSummary:
    groups: dict[int, PartyGroup] = {}
    for party in sorted(agreement.parties.all(), key=lambda o: o.name):
        kommun = kommun_of(party)
        groups.setdefault(kommun.pk, PartyGroup(kommun, [])).namnder.append(party)
    end = effective_end(agreement)
    notices = list(agreement.notices.all())
    warnings = []
    for notice in notices:
        warnings.append(
            _(
                "%(party)s sade upp avtalet %(given)s. Avtalet upphör %(ends)s (§ 11: tre "
                "månaders uppsägningstid)."
            )
            % {
                "party": notice.party.name,
                "given": f"{notice.given_on:%Y-%m-%d}",
                "ends": f"{notice.ends_on:%Y-%m-%d}",
            }
        )
    if end < today:
        warnings.append(
            _("Avtalet upphörde %(end)s. Nya uppdrag kan inte lämnas.") % {"end": f"{end:%Y-%m-%d}"}
        )
    elif rules.agreement_end_warning(effective_end=end, today=today):
        warnings.append(
            _(
                "Avtalet upphör %(end)s. Kom överens om pågående uppdrag ska fullföljas enligt "
                "avtalets villkor (§ 4)."
            )
            % {"end": f"{end:%Y-%m-%d}"}
        )
    return AgreementSummary(
        agreement=agreement,
        groups=sorted(groups.values(), key=lambda g: g.kommun.name),
        notices=notices,
        ends_on=agreement.ends_on,
        effective_end=end,
        notice_latest_on=agreement.notice_latest_on,
        warnings=warnings,
    )


# --- Balance (003 § 4) ---------------------------------------------------------------------------


def counted_assignments(agreement: Agreement) -> QuerySet[AssignmentDetails]:
    """The uppdrag that count towards the balance: every request of the project except one
    declined or withdrawn before it was accepted (it never became an uppdrag)."""
    return AssignmentDetails.objects.filter(agreement=agreement).exclude(
        case__state=State.AVBRUTEN, accepted_at__isnull=True
    )


def balance_counts(agreement: Agreement) -> tuple[dict[int, int], dict[int, int]]:
    """(sent, received) per kommun id, in two aggregate queries."""
    base = counted_assignments(agreement)
    sent = dict(
        base.annotate(k=_home_kommun_id()).values("k").annotate(n=Count("pk")).values_list("k", "n")
    )
    received = dict(
        base.annotate(k=_receiving_kommun_id())
        .values("k")
        .annotate(n=Count("pk"))
        .values_list("k", "n")
    )
    return sent, received


@dataclass(frozen=True)
class BalanceRow:
    kommun: Organisation
    sent: int
    received: int

    @property
    def sent_over(self) -> bool:
        return self.sent > rules.BALANCE_LIMIT

    @property
    def received_over(self) -> bool:
        return self.received > rules.BALANCE_LIMIT


def balance(agreement: Agreement, groups: list[PartyGroup]) -> list[BalanceRow]:
    sent, received = balance_counts(agreement)
    return [
        BalanceRow(group.kommun, sent.get(group.kommun.pk, 0), received.get(group.kommun.pk, 0))
        for group in groups
    ]


def balance_warnings(
    *, agreement: Agreement, home: Organisation, receiving: Organisation
) -> list[str]:
    """The warnings before one more uppdrag from ``home`` to ``receiving`` (nämnder)."""
    home_kommun, receiving_kommun = kommun_of(home), kommun_of(receiving)
    sent, received = balance_counts(agreement)
    return rules.balance_warnings_for(
        home_name=home_kommun.short_name or home_kommun.name,
        home_sent=sent.get(home_kommun.pk, 0),
        receiving_name=receiving_kommun.short_name or receiving_kommun.name,
        receiving_received=received.get(receiving_kommun.pk, 0),
    )


# --- The uppdrag -------------------------------------------------------------------------------


def _assignment_qs(user: User) -> QuerySet[DefectorAssignment]:
    return (
        DefectorAssignment.objects.visible_to(user)
        .filter(case_type=CaseType.AVHOPPARUPPDRAG, assignment__isnull=False)
        .select_related(
            "client",
            "assignment__home_municipality__parent",
            "assignment__receiving_municipality__parent",
        )
    )


def assignments_for_user(user: User) -> list[DefectorAssignment]:
    """The uppdrag the user is assigned to, newest first (one query, capped)."""
    return list(_assignment_qs(user).order_by("-updated_at", "-id")[:MY_ASSIGNMENTS_CAP])


def assignment_for_user(user: User, pk: int) -> DefectorAssignment:
    """One uppdrag for its page; 404 outside the user's scope (never reveal it exists)."""
    queryset = _assignment_qs(user).prefetch_related(
        Prefetch(
            "participations",
            queryset=Participation.objects.select_related("organisation", "handlaggare"),
        )
    )
    try:
        return queryset.get(pk=pk)
    except DefectorAssignment.DoesNotExist:
        raise Http404 from None


def measures_for(case: DefectorAssignment) -> list[AssignmentMeasure]:
    return list(
        AssignmentMeasure.objects.filter(case=case).select_related("booked_by_organisation")
    )


def assigned_users(case: DefectorAssignment) -> list[Any]:
    """Who is assigned to the uppdrag (names only; shown to the assigned)."""
    from django.contrib.auth import get_user_model

    return list(
        get_user_model()
        .objects.filter(
            Exists(
                CaseUserObjectPermission.objects.filter(
                    user=OuterRef("pk"), content_object=case, permission__codename=ASSIGNED
                )
            )
        )
        .order_by("last_name", "first_name")
    )


# --- Reconciliation (003 § 8) ------------------------------------------------------------------


def ordered_pair(first_id: int, second_id: int) -> tuple[int, int]:
    return (first_id, second_id) if first_id < second_id else (second_id, first_id)


def _pair_q(kommun_a_id: int, kommun_b_id: int) -> Q:
    """Measures of uppdrag between the two kommuner, in either direction."""
    return Q(home_k=kommun_a_id, receiving_k=kommun_b_id) | Q(
        home_k=kommun_b_id, receiving_k=kommun_a_id
    )


def _pair_measures(
    agreement: Agreement, kommun_a_id: int, kommun_b_id: int, period: rules.HalfYear
) -> QuerySet[AssignmentMeasure]:
    return (
        AssignmentMeasure.objects.filter(
            case__assignment__agreement=agreement,
            cost_date__gte=period.starts_on,
            cost_date__lte=period.ends_on,
        )
        .annotate(
            home_k=Coalesce(
                "case__assignment__home_municipality__parent_id",
                "case__assignment__home_municipality_id",
            ),
            receiving_k=Coalesce(
                "case__assignment__receiving_municipality__parent_id",
                "case__assignment__receiving_municipality_id",
            ),
        )
        .filter(_pair_q(kommun_a_id, kommun_b_id))
    )


def pair_costs(
    *, agreement: Agreement, kommun_a_id: int, kommun_b_id: int, period: rules.HalfYear
) -> rules.Settlement:
    """What each kommun of the pair bore as mottagande kommun for the other's uppdrag in the
    half-year (by the date each cost was booked), in one query."""
    zero = Decimal("0.00")
    money = DecimalField(max_digits=14, decimal_places=2)
    sums = _pair_measures(agreement, kommun_a_id, kommun_b_id, period).aggregate(
        a=Coalesce(Sum("cost", filter=Q(receiving_k=kommun_a_id)), zero, output_field=money),
        b=Coalesce(Sum("cost", filter=Q(receiving_k=kommun_b_id)), zero, output_field=money),
    )
    return rules.Settlement(cost_a=sums["a"], cost_b=sums["b"])


@dataclass
class ReportLine:
    reference: str
    case_id: int | None
    receiving_kommun_id: int
    kind: str
    cost: Decimal

    @property
    def kind_label(self) -> str:
        return str(MeasureKind(self.kind).label)


@dataclass
class Report:
    agreement: Agreement
    kommun_a: Organisation
    kommun_b: Organisation
    period: rules.HalfYear
    settlement: rules.Settlement
    reconciliation: Reconciliation | None
    lines_a: list[ReportLine] = field(default_factory=list)
    lines_b: list[ReportLine] = field(default_factory=list)
    hidden_a: Decimal = Decimal("0.00")
    hidden_b: Decimal = Decimal("0.00")

    @property
    def payer(self) -> Organisation | None:
        side = self.settlement.payer
        return {"a": self.kommun_a, "b": self.kommun_b}.get(side) if side else None

    @property
    def payee(self) -> Organisation | None:
        side = self.settlement.payer
        return {"a": self.kommun_b, "b": self.kommun_a}.get(side) if side else None


def may_see_reconciliation(user: User, *, kommun_a_id: int, kommun_b_id: int) -> bool:
    """The report is for an enhetschef of either kommun, and for the users assigned to an
    uppdrag between the two; nobody else learns that such uppdrag exist."""
    for membership in kommun_memberships(user):
        kommun_id = membership.organisation.parent_id or membership.organisation_id
        if membership.role == Role.ENHETSCHEF and kommun_id in (kommun_a_id, kommun_b_id):
            return True
    return (
        _assignment_qs(user)
        .annotate(
            home_k=Coalesce(
                "assignment__home_municipality__parent_id", "assignment__home_municipality_id"
            ),
            receiving_k=Coalesce(
                "assignment__receiving_municipality__parent_id",
                "assignment__receiving_municipality_id",
            ),
        )
        .filter(_pair_q(kommun_a_id, kommun_b_id))
        .exists()
    )


def reconciliation_report(
    user: User, *, agreement: Agreement, kommun_a_id: int, kommun_b_id: int, period_key: str
) -> Report:
    """The report of one pair and half-year; 404 for a user outside it. Lines name the uppdrag
    the user is assigned to; the rest are summed without reference."""
    try:
        period = rules.HalfYear.parse(period_key)
    except ValueError:
        raise Http404 from None
    kommun_a_id, kommun_b_id = ordered_pair(kommun_a_id, kommun_b_id)
    kommuner = {
        o.pk: o
        for o in Organisation.objects.filter(pk__in=[kommun_a_id, kommun_b_id], parent__isnull=True)
    }
    if len(kommuner) != 2 or not may_see_reconciliation(
        user, kommun_a_id=kommun_a_id, kommun_b_id=kommun_b_id
    ):
        raise Http404
    reconciliation = Reconciliation.objects.filter(
        agreement=agreement,
        kommun_a_id=kommun_a_id,
        kommun_b_id=kommun_b_id,
        period_start=period.starts_on,
    ).first()
    if reconciliation is not None and reconciliation.is_settled:
        assert reconciliation.settled_cost_a is not None
        assert reconciliation.settled_cost_b is not None
        settlement = rules.Settlement(reconciliation.settled_cost_a, reconciliation.settled_cost_b)
    else:
        settlement = pair_costs(
            agreement=agreement, kommun_a_id=kommun_a_id, kommun_b_id=kommun_b_id, period=period
        )
    report = Report(
        agreement=agreement,
        kommun_a=kommuner[kommun_a_id],
        kommun_b=kommuner[kommun_b_id],
        period=period,
        settlement=settlement,
        reconciliation=reconciliation,
    )
    visible = CaseUserObjectPermission.objects.filter(
        content_object_id=OuterRef("case_id"), user=user, permission__codename=ASSIGNED
    )
    rows = (
        _pair_measures(agreement, kommun_a_id, kommun_b_id, period)
        .annotate(visible=Exists(visible))
        .values_list("case_id", "case__reference", "receiving_k", "kind", "cost", "visible")
        .order_by("case__reference", "cost_date", "pk")
    )
    for case_id, reference, receiving_k, kind, cost, is_visible in rows:
        side = "a" if receiving_k == kommun_a_id else "b"
        if is_visible:
            line = ReportLine(reference, case_id, receiving_k, kind, cost)
            (report.lines_a if side == "a" else report.lines_b).append(line)
        elif side == "a":
            report.hidden_a += cost
        else:
            report.hidden_b += cost
    return report


@dataclass(frozen=True)
class ReconciliationRow:
    reconciliation: Reconciliation
    overdue: bool


def reconciliations_for_user(
    user: User, agreement: Agreement, assignments: list[DefectorAssignment]
) -> list[ReconciliationRow]:
    """The reconciliations of the pairs the user may see: those of the kommuner the user is
    enhetschef in, and those of the uppdrag the user is assigned to (``assignments``, already
    loaded by the page). One query."""
    chef_kommuner = {
        m.organisation.parent_id or m.organisation_id
        for m in kommun_memberships(user)
        if m.role == Role.ENHETSCHEF
    }
    assigned_pairs = {
        ordered_pair(
            kommun_of(case.assignment.home_municipality).pk,
            kommun_of(case.assignment.receiving_municipality).pk,
        )
        for case in assignments
    }
    today = timezone.localdate()
    rows = []
    for item in Reconciliation.objects.filter(agreement=agreement).select_related(
        "kommun_a", "kommun_b"
    ):
        pair = (item.kommun_a_id, item.kommun_b_id)
        if chef_kommuner & set(pair) or pair in assigned_pairs:
            rows.append(
                ReconciliationRow(item, overdue=not item.is_settled and item.due_on < today)
            )
    return rows


def user_kommun_ids(user: User) -> set[int]:
    return {m.organisation.parent_id or m.organisation_id for m in kommun_memberships(user)}


# The timeline of an uppdrag: both kommuner's assigned users see the shared history (they are
# the parties of the uppdrag); capped so that the page stays bounded.
TIMELINE_CAP = 200


def assignment_timeline(user: User, case: DefectorAssignment) -> list[Any]:
    from cases.models import AuditEvent, Membership

    orgs = Membership.objects.in_force().filter(user=user).values("organisation_id")
    return list(
        AuditEvent.objects.filter(case=case)
        .filter(Q(shared=True) | Q(organisation_id__in=orgs))
        .select_related("actor", "organisation")[:TIMELINE_CAP]
    )
