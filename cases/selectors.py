"""Reads that views, exports and tasks share. Every case read starts from
``Case.objects.visible_to(user)``; nothing here filters by organisation on its own."""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import (
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    prefetch_related_objects,
)
from django.http import Http404
from django.utils import timezone

from accounts.models import user_label
from cases.db import planned_for_each_call, sort_like
from cases.models import (
    Attachment,
    AuditEvent,
    Case,
    Client,
    Consent,
    ConsentParty,
    Deadline,
    Note,
    Participation,
    access_organisations,
)

# Views read the user's memberships for the request through the selectors.
from cases.models.organisations import load_memberships as load_memberships
from cases.personnummer import parse_identity_number

if TYPE_CHECKING:
    from accounts.models import User

# A page of the case list; pagination fetches one extra row to know whether there is a next
# page instead of counting the whole table.
PAGE_SIZE = 50
MAX_PAGE = 200


def _user_organisation_ids(user: User) -> tuple[int, ...]:
    """The organisations the access rule reaches cases through, as the rule itself has them."""
    return access_organisations(user)[0]


def case_detail_qs(user: User) -> QuerySet[Case]:
    return (
        Case.objects.visible_to(user)
        .select_related("client", "owner_organisation")
        .prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related("organisation", "handlaggare"),
            )
        )
    )


def case_for_user(
    user: User, pk: int, *, for_update: bool = False, with_care: bool = False
) -> Case:
    """The case, annotated for ``user``; 404 when it is outside their scope (never 403: the
    existence of a case is itself confidential). ``with_care``: its care process, joint plan
    and current vårdgivare (``current_provider_choice``, at most one by a constraint) come in
    the same query, for the case page's workflow panel (``presenters_care``)."""
    queryset = case_detail_qs(user)
    if with_care:
        queryset = queryset.annotate(
            current_provider_choice=FilteredRelation(
                "care_provider_choices",
                condition=Q(care_provider_choices__replaced_at__isnull=True),
            )
        ).select_related(  # type: ignore[misc] # the stubs do not see the filtered relation
            "care", "joint_plan", "current_provider_choice__provider"
        )
    if for_update:
        queryset = Case.objects.visible_to(user).select_for_update(of=("self",))
    try:
        return queryset.get(pk=pk)
    except Case.DoesNotExist:
        raise Http404 from None


@dataclass(frozen=True)
class CaseFilters:
    mine: bool = False
    case_type: str = ""
    state: str = ""
    organisation: int | None = None
    handlaggare: int | None = None
    overdue: bool = False
    query: str = ""
    sort: str = "-updated_at"


DEFAULT_SORT = "-updated_at"
# The date sorts go by two aliases that case_list_for_user sets: the case's own updated_at and
# id, or for "Mina ärenden" the same values as kept on the user's participation, which its index
# gives in this order (Participation.case_updated_at).
SORTS = {
    "-updated_at": ("-list_updated_at", "-list_id"),
    "updated_at": ("list_updated_at", "list_id"),
    "reference": ("reference",),
    "-reference": ("-reference",),
}


@dataclass(frozen=True)
class ListParty:
    """What a row of the case list shows of one participation (``views.lists._rows``)."""

    organisation_id: int
    organisation: str
    handlaggare_id: int | None
    handlaggare: str


def list_parties(case_ids: list[int]) -> dict[int, list[ListParty]]:
    """The parties of the cases of one list page, in one query. Read as plain values rather
    than prefetched model instances: a third of the time for the same rows
    (docs/performance.md)."""
    parties: dict[int, list[ListParty]] = {case_id: [] for case_id in case_ids}
    rows = (
        Participation.objects.filter(case_id__in=case_ids)
        .order_by("case_id", "id")
        .values_list(
            "case_id",
            "organisation_id",
            "organisation__name",
            "organisation__short_name",
            "handlaggare_id",
            "handlaggare__first_name",
            "handlaggare__last_name",
            "handlaggare__username",
        )
    )
    for case_id, org_id, org_name, org_short, user_id, first, last, username in rows:
        parties[case_id].append(
            ListParty(org_id, org_short or org_name, user_id, user_label(first, last, username))
        )
    return parties


# What a row of the case list shows (views.lists._rows, presenters.client_identity) and its
# paging cursor need; the rest of the three models stays unread.
_CASE_LIST_COLUMNS = (
    "case_type",
    "reference",
    "state",  # django-fsm reads it when the case is loaded
    "updated_at",
    "client__id_kind",
    "client__id_number",
    "client__first_name",
    "client__last_name",
    "client__address",
    "client__protected_identity",
    "owner_organisation__name",
    "owner_organisation__short_name",
)


def case_list_for_user(user: User, filters: CaseFilters) -> QuerySet[Case]:
    """The case list in one query (the page's parties are one more: ``list_parties``)."""
    queryset = (
        Case.objects.visible_to(user)
        .select_related("client", "owner_organisation")
        .only(*_CASE_LIST_COLUMNS)
    )
    if filters.mine:
        # Joined, not EXISTS: the aliases below must come from this participation (a filter
        # before an alias shares its join).
        queryset = queryset.filter(participations__handlaggare=user).alias(
            list_updated_at=F("participations__case_updated_at"),
            list_id=F("participations__case_id"),
        )
    else:
        queryset = queryset.alias(list_updated_at=F("updated_at"), list_id=F("id"))
    if filters.case_type:
        queryset = queryset.filter(case_type=filters.case_type)
    if filters.state:
        queryset = queryset.filter(state=filters.state)
    if filters.organisation:
        # Who else takes part is shared information: in the request view only the requesting
        # organisation may be matched, or the filter would reveal the other participants.
        queryset = queryset.filter(
            Exists(
                Participation.objects.filter(
                    case=OuterRef("pk"), organisation_id=filters.organisation
                )
            ),
            Q(shared_access=True) | Q(owner_organisation_id=filters.organisation),
        )
    if filters.handlaggare:
        queryset = queryset.filter(
            Exists(
                Participation.objects.filter(
                    case=OuterRef("pk"), handlaggare_id=filters.handlaggare
                )
            )
        )
    if filters.overdue:
        queryset = queryset.filter(
            Exists(
                Deadline.objects.filter(
                    case=OuterRef("pk"),
                    status__in=Deadline.ACTIVE_STATUSES,
                    due_date__lt=timezone.localdate(),
                )
            )
        )
    if filters.query:
        queryset = queryset.filter(
            _search_condition(filters.query), pk__in=_search_candidates(filters.query)
        )
    return queryset.order_by(*SORTS.get(filters.sort, SORTS["-updated_at"]))


def _search_candidates(query: str) -> QuerySet[Case, Any] | list[int]:
    """The ids of cases the search could match, found through indexes (upper-case reference
    and målnummer, personnummer, trigram indexes on the names). ``_search_condition`` then
    decides, per visible case, what the user may match on; this only keeps PostgreSQL from
    walking every visible case (docs/performance.md).

    A number (personnummer, reference, målnummer) matches a handful of cases: their ids are
    read first, so the page's query compares with a few literal ids instead of compiling and
    planning the union inside the access rule on every search. A name may match a thousand
    clients, so it stays a subquery."""
    query = query.strip()
    by_number = (
        Case.objects.filter(reference__iexact=query)
        .values("pk")
        .union(Case.objects.filter(malnummer__iexact=query).values("pk"))
    )
    try:
        identity = parse_identity_number(query)
    except Exception:  # noqa: BLE001 - not a personnummer
        identity = None
    if identity is not None:
        people = Case.objects.filter(client__id_number=identity.value).values("pk")
        return [row["pk"] for row in by_number.union(people)]
    if len(query) < 2:
        return [row["pk"] for row in by_number]
    clients = Client.objects.all()
    for term in query.split():
        clients = clients.filter(Q(first_name__icontains=term) | Q(last_name__icontains=term))
    return by_number.union(Case.objects.filter(client__in=clients.values("pk")).values("pk"))


def _search_condition(query: str) -> Q:
    """Reference and målnummer match any visible case. Name and personnummer match only where
    the user may see the identity: otherwise a search would reveal that a protected person, or
    a person the user has no consent for, has a case."""
    query = query.strip()
    condition = Q(reference__iexact=query) | Q(malnummer__iexact=query)
    identity_condition = Q(shared_access=True, identity_visible=True)
    try:
        identity = parse_identity_number(query)
    except Exception:  # noqa: BLE001 - not a personnummer: search by name instead
        identity = None
    if identity is not None:
        return condition | (identity_condition & Q(client__id_number=identity.value))
    terms = query.split()
    if terms and len(query) >= 2:
        name_match = Q()
        for term in terms:
            name_match &= Q(client__first_name__icontains=term) | Q(
                client__last_name__icontains=term
            )
        condition |= identity_condition & name_match
    return condition


def paginate(
    queryset: QuerySet[Case], page: int, *, after: str = "", before: str = "", sort: str = ""
) -> tuple[list[Case], bool]:
    """One page without COUNT(*): fetch one row more than shown to know if there is a next.

    Keyset ("seek") pagination when the paging button carries a cursor (``page_cursor`` of
    the last row shown, for "Nästa", or of the first, for "Föregående"): the page starts right
    after that row in the sort order, so PostgreSQL reads one page of rows through the index
    whatever the page number. With OFFSET it would run the access rule on every row it skips
    (page 100: 4 950 rows, docs/performance.md). Without a cursor (the first page, or a
    cursor that does not parse) the page number is used as an offset."""
    page = max(1, min(page, MAX_PAGE))
    sort = sort if sort in SORTS else DEFAULT_SORT
    if after and (values := _parse_cursor(after, sort)) is not None:
        rows = list(queryset.filter(_seek(sort, values, forward=True))[: PAGE_SIZE + 1])
        return _each_case_once(rows[:PAGE_SIZE]), len(rows) > PAGE_SIZE and page < MAX_PAGE
    if before and (values := _parse_cursor(before, sort)) is not None:
        # Backwards from the first row of the following page, then turned the right way round;
        # that following page exists, so there is a next page.
        reverse = [_reversed(field) for field in SORTS[sort]]
        rows = list(
            queryset.filter(_seek(sort, values, forward=False)).order_by(*reverse)[:PAGE_SIZE]
        )
        rows.reverse()
        return _each_case_once(rows), page < MAX_PAGE
    start = (page - 1) * PAGE_SIZE
    rows = list(queryset[start : start + PAGE_SIZE + 1])
    return _each_case_once(rows[:PAGE_SIZE]), len(rows) > PAGE_SIZE and page < MAX_PAGE


def case_list_page(
    user: User, filters: CaseFilters, page: int, *, after: str = "", before: str = ""
) -> tuple[list[Case], bool]:
    """One page of ``case_list_for_user`` (``paginate``). "Mina ärenden" is planned for this
    handläggare: a prepared statement's generic plan is made for an average one and hashes all
    their cases, where the index walks a busy caseworker's newest first (14 -> 5 ms with
    2 000 cases, docs/performance.md)."""
    cases = case_list_for_user(user, filters)
    with planned_for_each_call() if filters.mine else nullcontext():
        return paginate(cases, page, after=after, before=before, sort=filters.sort)


def _each_case_once(rows: list[Case]) -> list[Case]:
    """ "Mina ärenden" joins the user's participations: someone who is handläggare for two
    organisations of one case would get it twice, side by side (the same sort key). Rare, and
    the page then shows one row fewer."""
    return list(dict.fromkeys(rows))


# The cursor separates the values of the sort key with this; neither an ISO timestamp nor an
# id contains it (a reference cursor is the reference alone, so it may contain anything).
_CURSOR_SEPARATOR = "~"


def _reversed(field: str) -> str:
    return field[1:] if field.startswith("-") else f"-{field}"


def page_cursor(case: Case, sort: str) -> str:
    """The sort key of ``case`` as the paging buttons post it: the timestamp and id for the
    date sorts, the reference for the reference sorts. No personal data (DOMAIN.md §7)."""
    sort = sort if sort in SORTS else DEFAULT_SORT
    if SORTS[sort][0].lstrip("-") == "reference":
        return case.reference
    return f"{case.updated_at.isoformat()}{_CURSOR_SEPARATOR}{case.pk}"


def _parse_cursor(raw: str, sort: str) -> tuple[Any, ...] | None:
    if SORTS[sort][0].lstrip("-") == "reference":
        return (raw,) if 0 < len(raw) <= 20 else None
    stamp, _, pk = raw.rpartition(_CURSOR_SEPARATOR)
    try:
        updated_at = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    if timezone.is_naive(updated_at) or not (pk.isascii() and pk.isdigit()):
        return None
    return updated_at, int(pk)


def _seek(sort: str, values: tuple[Any, ...], *, forward: bool) -> Q:
    """Rows after (``forward``) or before the cursor in the order of ``sort``: a
    lexicographic comparison of the sort key. The first key's own bound (``<=`` / ``>=``) is
    repeated on its own so that PostgreSQL can start the index scan at the cursor."""
    fields = SORTS[sort]
    condition = Q()
    equal_so_far = Q()
    first_bound = Q()
    for index, (field, value) in enumerate(zip(fields, values, strict=True)):
        name = field.lstrip("-")
        # Forward in a descending order, or backward in an ascending one: smaller values.
        smaller = field.startswith("-") == forward
        strict = Q(**{f"{name}__{'lt' if smaller else 'gt'}": value})
        condition |= equal_so_far & strict
        equal_so_far &= Q(**{name: value})
        if index == 0:
            first_bound = Q(**{f"{name}__{'lte' if smaller else 'gte'}": value})
    return first_bound & condition


def _own_or_shared_with(user: User, case: Case) -> Q:
    """Journal entries and attachments belong to the organisation that wrote them; another
    party reads one only when it is marked shared *and* a consent in force covers both the
    reader's and the author's organisation (DOMAIN.md §2).

    The authors' organisations that such a consent covers are found first (kept on the case
    for the request): from the consents the case page already read (``consents_for``), or
    else in one small query. The same rule as an EXISTS per entry took 2 ms to compile and
    run for each of the case page's two lists (docs/performance.md)."""
    orgs = _user_organisation_ids(user)
    kept: dict[int, tuple[int, ...]] = case.__dict__.setdefault("_shared_with_reader", {})
    if user.pk not in kept:
        kept[user.pk] = _organisations_sharing_with(case, orgs)
    return Q(organisation_id__in=orgs) | Q(visibility="delad", organisation_id__in=kept[user.pk])


def _organisations_sharing_with(case: Case, orgs: tuple[int, ...]) -> tuple[int, ...]:
    """The organisations of every consent in force that covers one of ``orgs``."""
    read = getattr(case, "_prefetched_objects_cache", {}).get("consents")
    if read is not None:
        sharing: set[int] = set()
        for consent in read:
            parties = set(consent.covered_ids)
            if consent.is_active and not parties.isdisjoint(orgs):
                sharing |= parties
        return tuple(sorted(sharing))
    return tuple(
        ConsentParty.objects.filter(
            consent__case=case,
            consent__withdrawn_at__isnull=True,
            consent__party_links__organisation_id__in=orgs,
        )
        .values_list("organisation_id", flat=True)
        .distinct()
    )


def notes_for(user: User, case: Case) -> QuerySet[Note]:
    # Only what the journal shows of the note, its author, its organisation and the note it
    # corrects: fewer columns for Django to compile and load.
    return (
        Note.objects.filter(case=case)
        .filter(_own_or_shared_with(user, case))
        .select_related("author", "organisation", "corrects")
        .only(
            "case",
            "organisation__name",
            "organisation__short_name",
            "author__first_name",
            "author__last_name",
            "body",
            "visibility",
            "corrects__created_at",
            "created_at",
        )
    )


def attachments_for(user: User, case: Case) -> QuerySet[Attachment]:
    # Who uploaded a file is in the timeline; the list shows the organisation.
    return (
        Attachment.objects.filter(case=case)
        .filter(_own_or_shared_with(user, case))
        .select_related("organisation")
    )


def timeline_for(user: User, case: Case, *, kind: str = "") -> QuerySet[AuditEvent]:
    orgs = _user_organisation_ids(user)
    events = AuditEvent.objects.filter(case=case).select_related("actor", "organisation")
    if kind:
        events = events.filter(kind=kind)
    if getattr(case, "shared_access", False):
        return events.filter(Q(shared=True) | Q(organisation_id__in=orgs))
    # The request view: only what the user's own organisation did.
    return events.filter(organisation_id__in=orgs)


def consents_for(case: Case) -> list[Consent]:
    """The case's consents, newest first, each with the organisations it covers
    (``covered_ids`` and ``covered_names``, by name) in the same query. Kept on the case for
    the request (``case.consents.all()``), where the journal's rule finds them too
    (``_own_or_shared_with``)."""
    by_name = ("parties__name",)
    consents = (
        Consent.objects
        # The signed form is linked by its id; the note of an oral consent is in the journal.
        .select_related("recorded_by", "recorded_by_organisation")
        .only(
            "case",
            "scope",
            "given_on",
            "form",
            "document",
            "withdrawn_at",
            "recorded_at",
            "recorded_by__first_name",
            "recorded_by__last_name",
            "recorded_by_organisation__name",
            "recorded_by_organisation__short_name",
        )
        .annotate(
            covered_ids=ArrayAgg("parties__id", order_by=by_name),
            covered_names=ArrayAgg("parties__name", order_by=by_name),
        )
        .order_by()  # sorted below (cases.db.sorted_here says why)
    )
    prefetch_related_objects([case], Prefetch("consents", queryset=consents))
    return sort_like(list(case.consents.all()), ["-recorded_at", "-id"])


def deadlines_for(case: Case) -> QuerySet[Deadline]:
    # The case page and the avhopparuppdrag show the responsible organisation, not the person.
    return Deadline.objects.filter(case=case).select_related("responsible_organisation")
