"""Generates the synthetic data set and loads it with COPY.

Reproducible: every random choice comes from ``random.Random`` seeded from ``seed`` and the
stage name, and every date is relative to one ``now`` taken at the start. Ids are given
explicitly (from the first free id of each table), so the same seed on an empty database gives
the same rows.

The shapes follow the domain (DOMAIN.md, cases/demo*.py): kontraktsvård is opened by a
frivårdskontor and vårdvistelse and inslussning by an anstalt, each with a kommun as the
counterpart; avhopparuppdrag by a kommun with a civil-society organisation; a third party
(vårdgivare, frivård, police) in about half of them. States follow each type's STATES_BY_TYPE
with more early and active cases than closed ones; about 70 % of the cases have a consent in
force covering the parties, about 5 % only a withdrawn one."""

from __future__ import annotations

import bisect
import hashlib
import itertools
import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db import connection

from accounts.models import User
from ansvarsforbindelse.demo import seed_care_providers
from cases.models import (
    AccessLog,
    Attachment,
    AuditEvent,
    CareProcess,
    CareProviderChoice,
    Case,
    CaseUserObjectPermission,
    Client,
    ClientUserObjectPermission,
    Consent,
    ConsentParty,
    Deadline,
    DeadlineChange,
    DeadlineKind,
    JointPlan,
    Membership,
    Note,
    Notification,
    Organisation,
    Participation,
    ReferenceCounter,
)
from cases.personnummer import luhn_check_digit
from cases.roles import OrganisationKind as Kind
from cases.roles import Role
from cases.states import INITIAL_STATE, REFERENCE_PREFIX, STATES_BY_TYPE, CaseType, State
from cases.synthetic import names
from cases.synthetic.copy import CopyTable, bump_sequence, next_ids
from cases.synthetic.plan import (
    ACTIVE_DEADLINE_SHARE,
    CANCELLED_DEADLINE_SHARE,
    OVERDUE_SHARE_OF_ACTIVE,
    PROTECTED_IDENTITY_SHARE,
    YEARS,
    Counts,
    organisation_mix,
)

SYNTHETIC_PASSWORD = "brygga-bench-2026"  # noqa: S105 - invented accounts on a bench database


def columns(names: str) -> list[str]:
    return names.split()


def falling_weights(count: int, exponent: float = 1.0) -> list[float]:
    """Zipf-like cumulative weights: the first few items are drawn far more often."""
    return list(itertools.accumulate(1 / (rank + 1) ** exponent for rank in range(count)))


CASE_TYPE_WEIGHTS = {
    CaseType.KONTRAKTSVARD: 0.40,
    CaseType.VARDVISTELSE: 0.30,
    CaseType.INSLUSSNING: 0.18,
    CaseType.AVHOPPARUPPDRAG: 0.12,
}
# Share of cases in the first state (waiting for consent), finished and aborted; the rest are
# spread over the active states with falling weights.
INITIAL_SHARE, CLOSED_SHARE, ABORTED_SHARE = 0.22, 0.15, 0.05
# Chosen so that about 5 % of all cases have only a withdrawn consent and about 70 % one in force.
WITHDRAWN_SHARE_ACTIVE = 0.048
ORAL_CONSENT_SHARE = 0.7
WORKFLOW_TYPES = (CaseType.KONTRAKTSVARD, CaseType.VARDVISTELSE)

# Earlier active states are more common than later ones.
MIDDLE_WEIGHTS = {
    case_type: falling_weights(len(states) - 3, 0.5) for case_type, states in STATES_BY_TYPE.items()
}
DEADLINE_KINDS: dict[str, tuple[str, ...]] = {
    CaseType.KONTRAKTSVARD: (
        DeadlineKind.YTTRANDE,
        DeadlineKind.KOMMUN_BESLUT,
        DeadlineKind.GEMENSAM_PLAN,
        DeadlineKind.BETALNINGSANSVAR,
        DeadlineKind.UPPFOLJNING,
        DeadlineKind.AVSTAMNING,
    ),
    CaseType.VARDVISTELSE: (
        DeadlineKind.GEMENSAM_PLAN,
        DeadlineKind.VF,
        DeadlineKind.UPPFOLJNING,
        DeadlineKind.AVSTAMNING,
    ),
    CaseType.INSLUSSNING: (DeadlineKind.PLANERINGSMOTE, DeadlineKind.UPPFOLJNING),
    CaseType.AVHOPPARUPPDRAG: (DeadlineKind.UPPFOLJNING, DeadlineKind.OVRIGT),
}
DEADLINE_LABELS = {kind.value: str(kind.label) for kind in DeadlineKind}

PART_ROLE: dict[str, str] = {
    Kind.KOMMUN: Participation.PartRole.KOMMUN,
    Kind.FRIVARD: Participation.PartRole.FRIVARD,
    Kind.ANSTALT: Participation.PartRole.ANSTALT,
    Kind.VARDGIVARE: Participation.PartRole.VARDGIVARE,
}
CASEWORKER_ROLE: dict[str, str] = {
    Kind.KOMMUN: Role.SOCIALSEKRETERARE,
    Kind.FRIVARD: Role.FRIVARDSINSPEKTOR,
    Kind.ANSTALT: Role.KLIENTHANDLAGGARE,
}
CHEF_ROLE: dict[str, str] = {
    Kind.KOMMUN: Role.ENHETSCHEF,
    Kind.FRIVARD: Role.KRIMINALVARDSINSPEKTOR,
    Kind.ANSTALT: Role.KRIMINALVARDSINSPEKTOR,
}
MINIMUM_ROLES: dict[str, tuple[str, ...]] = {
    Kind.KOMMUN: (
        Role.SOCIALSEKRETERARE,
        Role.ENHETSCHEF,
        Role.SAMORDNARE,
        Role.REGISTRATOR,
        Role.SYSTEMFORVALTARE,
    ),
    Kind.FRIVARD: (
        Role.FRIVARDSINSPEKTOR,
        Role.KRIMINALVARDSINSPEKTOR,
        Role.SAMORDNARE,
        Role.REGISTRATOR,
    ),
    Kind.ANSTALT: (Role.KLIENTHANDLAGGARE, Role.KRIMINALVARDSINSPEKTOR),
}
ROLE_PREFIX: dict[str, str] = {
    Role.SOCIALSEKRETERARE: "soc",
    Role.ENHETSCHEF: "chef",
    Role.SAMORDNARE: "samordnare",
    Role.REGISTRATOR: "reg",
    Role.SYSTEMFORVALTARE: "sysf",
    Role.FRIVARDSINSPEKTOR: "fi",
    Role.KRIMINALVARDSINSPEKTOR: "kvi",
    Role.KLIENTHANDLAGGARE: "kh",
    Role.EXTERN_DELTAGARE: "extern",
}


@dataclass
class Org:
    id: int
    name: str
    short_name: str
    kind: str
    parent_id: int | None
    weight: float
    caseworkers: list[int] = field(default_factory=list)
    chefs: list[int] = field(default_factory=list)
    others: list[int] = field(default_factory=list)
    cum: list[float] = field(default_factory=list)


class SynthCase:
    __slots__ = (
        "case_type",
        "client_id",
        "closed_at",
        "consent",
        "created_at",
        "id",
        "owner",
        "parts",
        "progress",
        "reference",
        "state",
        "updated_at",
    )

    def __init__(self) -> None:
        self.id = 0
        self.reference = ""
        self.case_type = ""
        self.client_id = 0
        self.state = ""
        self.progress = 0  # the state's position in STATES_BY_TYPE
        self.owner = 0
        # (participation id, organisation id, part role, handläggare id or None)
        self.parts: list[tuple[int, int, str, int | None]] = []
        self.consent = ""  # "", "active" or "withdrawn"
        self.created_at = datetime.min
        self.updated_at = datetime.min
        self.closed_at: datetime | None = None


@dataclass
class Report:
    rows: dict[str, int] = field(default_factory=dict)

    def add(self, table: CopyTable) -> None:
        self.rows[table.table] = self.rows.get(table.table, 0) + table.rows


class Generator:
    def __init__(
        self, counts: Counts, *, seed: int, now: datetime, log: Callable[[str], None]
    ) -> None:
        self.counts = counts
        self.seed = seed
        self.now = now.replace(microsecond=0)
        self.today = self.now.date()
        self.log = log
        self.report = Report()
        self.orgs: list[Org] = []
        self.user_org: dict[int, int] = {}
        self.cases: list[SynthCase] = []
        self.case_weights: list[float] = []

    def rng(self, stage: str) -> random.Random:
        return random.Random(f"{self.seed}:{stage}")  # noqa: S311 - synthetic data, not secrets

    def load(self, table: CopyTable, rows: Iterable[Sequence[Any]]) -> None:
        table.load(rows)
        self.report.add(table)
        bump_sequence(table.model)
        self.log(f"  {table.table}: {table.rows}")

    # --- organisations and users -------------------------------------------------------
    def organisations(self) -> None:
        rng = self.rng("organisations")
        mix = organisation_mix(self.counts.organisations)
        next_id = itertools.count(next_ids(Organisation))
        places = iter(itertools.cycle(names.PLACES))
        orgs: list[Org] = []

        def add(name: str, short: str, kind: str, parent: int | None = None) -> Org:
            number = len(orgs) + 1
            org = Org(
                id=next(next_id),
                name=f"{name} (syntetisk {number})",
                short_name=short,
                kind=kind,
                parent_id=parent,
                weight=rng.lognormvariate(0, 0.6),
            )
            orgs.append(org)
            return org

        districts = itertools.cycle(names.DISTRICTS)
        units_left = mix.kommun_units
        for index in range(mix.kommun_parents):
            city = "Göteborgs stad" if index == 0 else f"{next(places)} stad"
            parent = add(city, city.split()[0], Kind.KOMMUN)
            share = units_left // (mix.kommun_parents - index)
            for _ in range(share):
                district = next(districts)
                add(f"{city}, socialnämnden {district}", f"SN {district}", Kind.KOMMUN, parent.id)
            units_left -= share
        for _ in range(mix.kommun_standalone):
            place = next(places)
            add(f"{place} kommun, socialtjänsten", place, Kind.KOMMUN)
        for _ in range(mix.frivard):
            place = next(places)
            add(f"Kriminalvården, frivården {place}", f"Frivården {place}", Kind.FRIVARD)
        for index in range(mix.anstalt):
            inst = names.INSTITUTIONS[index % len(names.INSTITUTIONS)]
            add(f"Kriminalvården, anstalten {inst}", f"Anstalten {inst}", Kind.ANSTALT)
        for index in range(mix.vardgivare):
            add(f"Behandlingshemmet {names.PLACES[index]} AB", f"BH {index + 1}", Kind.VARDGIVARE)
        for _ in range(mix.arbetsformedlingen):
            place = next(places)
            add(f"Arbetsförmedlingen {place}", "AF", Kind.ARBETSFORMEDLINGEN)
        for _ in range(mix.region):
            add("Västra Götalandsregionen, beroendevården", "VGR", Kind.REGION)
        for _ in range(mix.civilsamhalle):
            place = next(places)
            add(f"Föreningen Nystart {place}", "Nystart", Kind.CIVILSAMHALLE)
        for _ in range(mix.polis):
            add("Polisen, region Väst", "Polisen", Kind.POLIS)
        self.orgs = orgs
        self.org_by_id = {org.id: org for org in orgs}
        table = CopyTable(Organisation, columns("id name short_name kind parent_id"))
        self.load(table, [(o.id, o.name, o.short_name, o.kind, o.parent_id) for o in orgs])

    def users(self) -> None:
        rng = self.rng("users")
        next_id = itertools.count(next_ids(User))
        parents = {o.parent_id for o in self.orgs if o.parent_id}
        staff = [o for o in self.orgs if o.kind in CASEWORKER_ROLE and o.id not in parents]
        external = [o for o in self.orgs if o.kind not in CASEWORKER_ROLE]
        members: list[tuple[int, int, str]] = []  # (user, org, role)
        for org in self.orgs:
            if org.id in parents:
                roles: Sequence[str] = (Role.ENHETSCHEF, Role.SYSTEMFORVALTARE)
            elif org.kind in MINIMUM_ROLES:
                roles = MINIMUM_ROLES[org.kind]
            else:
                roles = (Role.EXTERN_DELTAGARE,)
            members += [(next(next_id), org.id, role) for role in roles]
        # The rest: nine in ten handle cases, spread by the size of the organisation; a few
        # more chefs; one in ten extern deltagare.
        staff_cum = list(itertools.accumulate(o.weight for o in staff))
        for _ in range(self.counts.users - len(members)):
            draw = rng.random()
            if draw < 0.1:
                org = rng.choice(external)
                role: str = Role.EXTERN_DELTAGARE
            else:
                org = staff[bisect.bisect(staff_cum, rng.random() * staff_cum[-1])]
                role = CHEF_ROLE[org.kind] if draw < 0.14 else CASEWORKER_ROLE[org.kind]
            members.append((next(next_id), org.id, role))
        password = make_password(SYNTHETIC_PASSWORD)
        user_rows = []
        membership_rows: list[tuple[int, int, int, str, date | None]] = []
        membership_id = itertools.count(next_ids(Membership))
        for user_id, org_id, role in members:
            org = self.org_by_id[org_id]
            first = rng.choice(names.FIRST_NAMES)
            last = rng.choice(names.LAST_NAMES)
            username = f"syn.{ROLE_PREFIX[role]}.{user_id}"
            user_rows.append(
                (
                    user_id,
                    password,
                    username,
                    first,
                    last,
                    f"{username}@example.invalid",
                    role == Role.SYSTEMFORVALTARE,
                    True,
                    False,
                    self.now - timedelta(days=YEARS * 365),
                )
            )
            membership_rows.append((next(membership_id), user_id, org_id, role, None))
            self.user_org[user_id] = org_id
            if role in (Role.SOCIALSEKRETERARE, Role.FRIVARDSINSPEKTOR, Role.KLIENTHANDLAGGARE):
                org.caseworkers.append(user_id)
            elif role in (Role.ENHETSCHEF, Role.KRIMINALVARDSINSPEKTOR):
                org.chefs.append(user_id)
            else:
                org.others.append(user_id)
        # Some people hold a second role (a frivårdsinspektör who is also samordnare) and
        # some have left an organisation (an ended membership; it gives no access).
        for user_id, org_id, role in members:
            org = self.org_by_id[org_id]
            draw = rng.random()
            if role in (Role.SOCIALSEKRETERARE, Role.FRIVARDSINSPEKTOR) and draw < 0.03:
                membership_rows.append(
                    (next(membership_id), user_id, org_id, Role.SAMORDNARE, None)
                )
            elif role in CASEWORKER_ROLE.values() and draw > 0.98:
                other = rng.choice([o for o in staff if o.kind == org.kind])
                if other.id != org_id:
                    ended = self.today - timedelta(days=rng.randint(30, 700))
                    membership_rows.append((next(membership_id), user_id, other.id, role, ended))
        for org in staff:
            # A few people carry many cases: draw handläggare with falling weights.
            rng.shuffle(org.caseworkers)
            org.cum = falling_weights(len(org.caseworkers), 0.9)
        self.load(
            CopyTable(
                User,
                columns(
                    "id password username first_name last_name email is_staff is_active "
                    "is_superuser date_joined"
                ),
            ),
            user_rows,
        )
        self.load(
            CopyTable(Membership, columns("id user_id organisation_id role valid_until")),
            membership_rows,
        )

    def handlaggare(self, rng: random.Random, org: Org) -> int | None:
        if not org.caseworkers:
            return None
        return org.caseworkers[bisect.bisect(org.cum, rng.random() * org.cum[-1])]

    # --- clients and cases -------------------------------------------------------------
    def clients(self) -> None:
        rng = self.rng("clients")
        first_cum = falling_weights(len(names.FIRST_NAMES), 0.7)
        last_cum = falling_weights(len(names.LAST_NAMES), 0.9)
        start = next_ids(Client)
        seen: set[str] = set()
        rows = []
        self.protected_clients: set[int] = set()
        for offset in range(self.counts.clients):
            while True:
                birth = self.today - timedelta(days=rng.randint(18 * 365, 70 * 365))
                serial = rng.randint(0, 999)
                core = f"{birth:%y%m%d}{serial:03d}"
                number = f"{birth.year:04d}{core[2:]}{luhn_check_digit(core)}"
                if number not in seen:
                    seen.add(number)
                    break
            client_id = start + offset
            protected = rng.random() < PROTECTED_IDENTITY_SHARE
            if protected:
                self.protected_clients.add(client_id)
            rows.append(
                (
                    client_id,
                    "personnummer",
                    number,
                    names.FIRST_NAMES[bisect.bisect(first_cum, rng.random() * first_cum[-1])],
                    names.LAST_NAMES[bisect.bisect(last_cum, rng.random() * last_cum[-1])],
                    f"Exempelgatan {rng.randint(1, 120)}",
                    rng.choice(names.PLACES),
                    protected,
                    self.now - timedelta(days=rng.randint(0, YEARS * 365)),
                )
            )
        self.client_ids = [row[0] for row in rows]
        table = CopyTable(
            Client,
            columns(
                "id id_kind id_number first_name last_name address folkbokforingskommun "
                "protected_identity created_at"
            ),
        )
        self.load(table, rows)

    def _state(self, rng: random.Random, case_type: str) -> tuple[str, int]:
        """A state along the type's workflow and its position in STATES_BY_TYPE."""
        states = STATES_BY_TYPE[case_type]
        draw = rng.random()
        if draw < INITIAL_SHARE:
            return states[0], 0
        if draw < INITIAL_SHARE + CLOSED_SHARE:
            return State.AVSLUTAD, len(states) - 2
        if draw < INITIAL_SHARE + CLOSED_SHARE + ABORTED_SHARE:
            return State.AVBRUTEN, rng.randint(0, len(states) - 3)
        middle = states[1:-2]
        cum = MIDDLE_WEIGHTS[case_type]
        index = bisect.bisect(cum, rng.random() * cum[-1])
        return middle[index], index + 1

    def cases_and_parts(self) -> None:
        rng = self.rng("cases")
        by_kind: dict[str, list[Org]] = {}
        parents = {o.parent_id for o in self.orgs if o.parent_id}
        for org in self.orgs:
            if org.id not in parents:
                by_kind.setdefault(org.kind, []).append(org)
        cums = {
            kind: list(itertools.accumulate(o.weight for o in orgs))
            for kind, orgs in by_kind.items()
        }

        def pick(kind: str) -> Org:
            cum = cums[kind]
            return by_kind[kind][bisect.bisect(cum, rng.random() * cum[-1])]

        types = list(CASE_TYPE_WEIGHTS)
        type_cum = list(itertools.accumulate(CASE_TYPE_WEIGHTS.values()))
        # Every client has a case; the remaining cases go to clients with an earlier one.
        clients = list(self.client_ids)
        rng.shuffle(clients)
        clients += [rng.choice(self.client_ids) for _ in range(self.counts.cases - len(clients))]
        span = YEARS * 365 * 86400
        cases: list[SynthCase] = []
        for index in range(self.counts.cases):
            case = SynthCase()
            case.case_type = types[bisect.bisect(type_cum, rng.random() * type_cum[-1])]
            case.client_id = clients[index]
            case.state, case.progress = self._state(rng, case.case_type)
            closed = case.state in (State.AVSLUTAD, State.AVBRUTEN)
            age = span * rng.random() ** (0.7 if closed else 1.5)
            case.created_at = self.now - timedelta(seconds=int(age) + 3600)
            if closed:
                case.closed_at = case.created_at + timedelta(
                    seconds=int(age * rng.uniform(0.3, 0.95))
                )
                case.updated_at = case.closed_at
            else:
                case.updated_at = self.now - timedelta(seconds=int(age * rng.random() ** 2))
            cases.append(case)
        # Ids and reference numbers in the order the cases were opened.
        cases.sort(key=lambda c: c.created_at)
        counters: dict[tuple[str, int], int] = {}
        first_id = next_ids(Case)
        participation_id = itertools.count(next_ids(Participation))
        for offset, case in enumerate(cases):
            case.id = first_id + offset
            prefix = REFERENCE_PREFIX[case.case_type]
            key = (prefix, case.created_at.year)
            counters[key] = counters.get(key, 0) + 1
            case.reference = f"{prefix}-{key[1]}-{counters[key]:05d}"
            if case.case_type == CaseType.KONTRAKTSVARD:
                owner, counterpart = pick(Kind.FRIVARD), pick(Kind.KOMMUN)
                third = pick(Kind.VARDGIVARE) if case.progress >= 5 and rng.random() < 0.6 else None
            elif case.case_type == CaseType.VARDVISTELSE:
                owner, counterpart = pick(Kind.ANSTALT), pick(Kind.KOMMUN)
                third = pick(Kind.VARDGIVARE) if case.progress >= 4 and rng.random() < 0.5 else None
            elif case.case_type == CaseType.INSLUSSNING:
                owner, counterpart = pick(Kind.ANSTALT), pick(Kind.KOMMUN)
                third = pick(Kind.FRIVARD) if rng.random() < 0.7 else None
            else:
                owner = pick(Kind.KOMMUN)
                counterpart = pick(Kind.CIVILSAMHALLE)
                third = pick(Kind.POLIS) if rng.random() < 0.3 else None
            case.owner = owner.id
            case.parts = [
                (
                    next(participation_id),
                    owner.id,
                    PART_ROLE[owner.kind],
                    self.handlaggare(rng, owner),
                )
            ]
            counterpart_handler = (
                self.handlaggare(rng, counterpart)
                if case.progress > 0 and rng.random() < 0.85
                else None
            )
            case.parts.append(
                (
                    next(participation_id),
                    counterpart.id,
                    PART_ROLE.get(counterpart.kind, Participation.PartRole.EXTERN),
                    counterpart_handler,
                )
            )
            if third is not None:
                handler = self.handlaggare(rng, third) if third.kind in CASEWORKER_ROLE else None
                case.parts.append(
                    (
                        next(participation_id),
                        third.id,
                        PART_ROLE.get(third.kind, Participation.PartRole.EXTERN),
                        handler,
                    )
                )
            if case.state == INITIAL_STATE[case.case_type]:
                case.consent = ""
            elif case.state == State.AVBRUTEN:
                draw = rng.random()
                case.consent = "" if draw < 0.5 else ("withdrawn" if draw < 0.75 else "active")
            else:
                case.consent = "withdrawn" if rng.random() < WITHDRAWN_SHARE_ACTIVE else "active"
        self.cases = cases
        self.counters = counters
        # Busier (further along, recently touched) cases get more events and log entries.
        self.case_weights = list(
            itertools.accumulate(
                (case.progress + 1) * (2.0 if case.closed_at is None else 1.0) for case in cases
            )
        )
        courts = names.COURTS
        case_rows = []
        for case in cases:
            kv = case.case_type == CaseType.KONTRAKTSVARD
            case_rows.append(
                (
                    case.id,
                    case.case_type,
                    case.reference,
                    case.client_id,
                    case.state,
                    case.owner,
                    courts[case.id % len(courts)] if kv else "",
                    f"B {1000 + case.id % 9000}-{case.created_at:%y}" if kv else "",
                    case.created_at,
                    case.updated_at,
                    case.closed_at,
                )
            )
        self.load(
            CopyTable(
                Case,
                columns(
                    "id case_type reference client_id state owner_organisation_id court "
                    "malnummer created_at updated_at closed_at"
                ),
            ),
            case_rows,
        )
        self.load(
            CopyTable(
                Participation,
                columns("id case_id organisation_id part_role handlaggare_id joined_at"),
            ),
            (
                (pid, case.id, org, role, handler, case.created_at + timedelta(minutes=n))
                for case in cases
                for n, (pid, org, role, handler) in enumerate(case.parts)
            ),
        )

    def consents_and_notes(self) -> None:
        rng = self.rng("consents")
        note_id = itertools.count(next_ids(Note))
        attachment_id = itertools.count(next_ids(Attachment))
        consent_id = itertools.count(next_ids(Consent))
        party_id = itertools.count(next_ids(ConsentParty))
        notes, attachments, consents, parties = [], [], [], []
        for case in self.cases:
            owner_handler = case.parts[0][3] or self._any_member(case.owner)
            if case.consent:
                given = case.created_at + timedelta(hours=rng.randint(2, 24 * 20))
                given = min(given, case.updated_at)
                note, document = None, None
                if rng.random() < ORAL_CONSENT_SHARE:
                    note = next(note_id)
                    notes.append(
                        (
                            note,
                            case.id,
                            case.owner,
                            owner_handler,
                            "Klienten lämnade muntligt samtycke vid besök; samtycket läst upp.",
                            "intern",
                            None,
                            given,
                        )
                    )
                    form = "muntligt"
                else:
                    document = next(attachment_id)
                    attachments.append(
                        (
                            document,
                            case.id,
                            None,
                            case.owner,
                            owner_handler,
                            "intern",
                            f"attachments/{case.id}/syntetisk-{document}",
                            "sekretessblankett.pdf",
                            "application/pdf",
                            rng.randint(40_000, 900_000),
                            hashlib.sha256(str(document).encode()).hexdigest(),
                            "ren",
                            given,
                        )
                    )
                    form = "skriftligt"
                withdrawn = None
                if case.consent == "withdrawn":
                    withdrawn = given + (case.updated_at - given) * rng.uniform(0.2, 0.9)
                cid = next(consent_id)
                consents.append(
                    (
                        cid,
                        case.id,
                        "Utbyte av uppgifter för planering och genomförande av insatserna.",
                        given.date(),
                        form,
                        document,
                        note,
                        owner_handler,
                        case.owner,
                        given,
                        withdrawn,
                        owner_handler if withdrawn else None,
                        "Klienten återkallade samtycket." if withdrawn else "",
                    )
                )
                covered = case.parts if rng.random() < 0.5 else case.parts[:2]
                parties += [(next(party_id), cid, org) for _, org, _, _ in covered]
            # Journal entries beside the consent note: about one per case.
            for _ in range(rng.choice((0, 0, 1, 1, 1, 2, 2, 3))):
                _, org, _, handler = rng.choice(
                    [p for p in case.parts if self.org_by_id[p[1]].kind in CASEWORKER_ROLE]
                )
                notes.append(
                    (
                        next(note_id),
                        case.id,
                        org,
                        handler or self._any_member(org),
                        "Uppföljningssamtal genomfört. Planeringen fortsätter enligt plan.",
                        "delad" if rng.random() < 0.4 else "intern",
                        None,
                        case.created_at + (case.updated_at - case.created_at) * rng.random(),
                    )
                )
        self.load(
            CopyTable(
                Note,
                columns(
                    "id case_id organisation_id author_id body visibility corrects_id created_at"
                ),
            ),
            notes,
        )
        self.load(
            CopyTable(
                Attachment,
                columns(
                    "id case_id note_id organisation_id uploaded_by_id visibility file "
                    "original_name content_type size sha256 scan_status created_at"
                ),
            ),
            attachments,
        )
        self.load(
            CopyTable(
                Consent,
                columns(
                    "id case_id scope given_on form document_id journal_note_id "
                    "recorded_by_id recorded_by_organisation_id recorded_at withdrawn_at "
                    "withdrawn_by_id withdrawal_reason"
                ),
            ),
            consents,
        )
        self.load(CopyTable(ConsentParty, columns("id consent_id organisation_id")), parties)

    def _any_member(self, org_id: int) -> int:
        org = self.org_by_id[org_id]
        return (org.caseworkers or org.chefs or org.others)[0]

    def grants(self) -> None:
        """Explicit per-object grants, as the services give them: whoever handles a case of a
        protected client may see the identity (case_create, participation_assign_handlaggare),
        and the handläggare of an avhopparuppdrag are assigned to it (only they see it)."""
        identity = Permission.objects.get(
            codename="view_protected_identity", content_type__app_label="cases"
        )
        client_grants: set[tuple[int, int]] = set()
        case_grants: set[tuple[int, int]] = set()
        for case in self.cases:
            handlers = [h for _, _, _, h in case.parts if h is not None]
            if case.client_id in self.protected_clients:
                client_grants.update((h, case.client_id) for h in handlers)
            if case.case_type == CaseType.AVHOPPARUPPDRAG:
                case_grants.update((h, case.id) for h in handlers)
        next_id = itertools.count(next_ids(ClientUserObjectPermission))
        self.load(
            CopyTable(
                ClientUserObjectPermission, columns("id user_id permission_id content_object_id")
            ),
            [(next(next_id), user, identity.pk, client) for user, client in sorted(client_grants)],
        )
        assigned = Permission.objects.filter(
            codename="work_on_assigned_case", content_type__app_label="cases"
        ).first()
        if assigned is None:
            return  # an access rule without per-case assignment
        next_id = itertools.count(next_ids(CaseUserObjectPermission))
        self.load(
            CopyTable(
                CaseUserObjectPermission, columns("id user_id permission_id content_object_id")
            ),
            [(next(next_id), user, assigned.pk, case) for user, case in sorted(case_grants)],
        )

    def care(self) -> None:
        """A vårdprocess for every kontraktsvård and vårdvistelse (the case page creates a
        missing one on GET, which the bench must not do), with the facts its state implies;
        the current vårdgivare and the gemensam plan from the steps where they are made."""
        rng = self.rng("care")
        providers = [p.pk for p in seed_care_providers()]
        process_id = itertools.count(next_ids(CareProcess))
        choice_id = itertools.count(next_ids(CareProviderChoice))
        plan_id = itertools.count(next_ids(JointPlan))
        processes, choices, plans = [], [], []
        for case in self.cases:
            if case.case_type not in WORKFLOW_TYPES:
                continue
            states = STATES_BY_TYPE[case.case_type]
            reached = case.progress if case.state != State.AVSLUTAD else len(states)
            start = case.created_at.date()
            decided = reached >= states.index(State.BESLUTAT)
            placed_at = (
                State.KV_BETALNINGSANSVAR
                if case.case_type == CaseType.KONTRAKTSVARD
                else State.PLACERING
            )
            placed = reached >= states.index(placed_at)
            placement = start + timedelta(days=rng.randint(60, 120)) if placed else None
            processes.append(
                (
                    next(process_id),
                    case.id,
                    start if case.case_type == CaseType.KONTRAKTSVARD else None,
                    rng.random() < 0.3,
                    start + timedelta(days=rng.randint(3, 15)) if reached >= 2 else None,
                    "beviljat" if decided else "",
                    start + timedelta(days=rng.randint(20, 40)) if decided else None,
                    placement,
                    placement + timedelta(days=rng.randint(120, 300))
                    if placement and case.case_type == CaseType.KONTRAKTSVARD
                    else None,
                    placement + timedelta(days=rng.randint(120, 300))
                    if placement and case.case_type == CaseType.VARDVISTELSE
                    else None,
                )
            )
            handler = case.parts[0][3] or self._any_member(case.owner)
            if (
                reached >= states.index(State.VARDGIVARE_FORESLAGEN)
                and case.state != State.AVBRUTEN
            ):
                planned = start + timedelta(days=rng.randint(30, 90))
                choices.append(
                    (
                        next(choice_id),
                        case.id,
                        rng.choice(providers),
                        planned,
                        planned + timedelta(days=rng.randint(180, 365)),
                        rng.random() < 0.9,
                        "Upphandlad av båda myndigheterna.",
                        handler,
                        case.created_at + timedelta(days=30),
                    )
                )
            if decided and case.state != State.AVBRUTEN:
                made = case.created_at + timedelta(days=rng.randint(25, 45))
                plans.append(
                    (
                        next(plan_id),
                        case.id,
                        "Behandling på behandlingshem, därefter öppenvård och boendestöd.",
                        "Kriminalvården ansvarar under verkställigheten, kommunen därefter.",
                        "Arbetsförmedlingen: kartläggning inför praktik.",
                        "Socialtjänsten",
                        (made + timedelta(days=90)).date(),
                        handler,
                        made,
                        max(made, case.updated_at),
                    )
                )
        self.load(
            CopyTable(
                CareProcess,
                columns(
                    "id case_id request_date haktad application_received_on decision "
                    "decision_date placement_start kv_payment_end conditional_release_date"
                ),
            ),
            processes,
        )
        self.load(
            CopyTable(
                CareProviderChoice,
                columns(
                    "id case_id provider_id planned_start planned_end recommended "
                    "recommendation_reason chosen_by_id chosen_at"
                ),
            ),
            choices,
        )
        self.load(
            CopyTable(
                JointPlan,
                columns(
                    "id case_id insatser responsibilities others_measures "
                    "overall_responsible follow_up_date updated_by_id created_at updated_at"
                ),
            ),
            plans,
        )

    # --- deadlines, events, log --------------------------------------------------------
    def _staff_part(self, rng: random.Random, case: SynthCase) -> tuple[int, int | None]:
        parts = [p for p in case.parts if self.org_by_id[p[1]].kind in CASEWORKER_ROLE]
        part = parts[0] if len(parts) == 1 or rng.random() < 0.6 else rng.choice(parts[1:])
        return part[1], part[3]

    def deadlines(self) -> None:
        rng = self.rng("deadlines")
        total = self.counts.deadlines
        active_count = min(total, round(self.counts.cases * ACTIVE_DEADLINE_SHARE))
        cancelled_count = round(total * CANCELLED_DEADLINE_SHARE)
        open_cases = [c for c in self.cases if c.closed_at is None]
        next_id = itertools.count(next_ids(Deadline))
        rows: list[tuple[Any, ...]] = []
        # Active: at most one per case and kind (the constraint), on cases still open.
        taken: set[tuple[int, str]] = set()
        overdue = round(active_count * OVERDUE_SHARE_OF_ACTIVE)
        attempts = 0
        while len(rows) < active_count and open_cases and attempts < active_count * 20:
            attempts += 1
            case = rng.choice(open_cases)
            kind = rng.choice(DEADLINE_KINDS[case.case_type])
            if (case.id, kind) in taken:
                continue
            taken.add((case.id, kind))
            late = len(rows) < overdue
            due = self.today + timedelta(days=-rng.randint(1, 40) if late else rng.randint(0, 60))
            # Most passed deadlines are already marked by the sweep; some wait for its next run.
            status = (
                Deadline.Status.OVERDUE if late and rng.random() < 0.85 else Deadline.Status.OPEN
            )
            org, user = self._staff_part(rng, case)
            created = min(case.updated_at, self.now - timedelta(days=rng.randint(1, 60)))
            created = max(created, case.created_at)
            key = "1" if kind == DeadlineKind.PLANERINGSMOTE else ""
            rows.append((next(next_id), case.id, kind, key, due, status, org, user, created, None))
        cum = self.case_weights
        for index in range(total - len(rows)):
            case = self.cases[bisect.bisect(cum, rng.random() * cum[-1])]
            kind = rng.choice(DEADLINE_KINDS[case.case_type])
            end = case.closed_at or self.now
            created = case.created_at + (end - case.created_at) * rng.random()
            due = (created + timedelta(days=rng.randint(3, 60))).date()
            done = created + (end - created) * rng.random()
            status = Deadline.Status.CANCELLED if index < cancelled_count else Deadline.Status.DONE
            org, user = self._staff_part(rng, case)
            key = str(rng.randint(1, 6)) if kind == DeadlineKind.PLANERINGSMOTE else ""
            rows.append((next(next_id), case.id, kind, key, due, status, org, user, created, done))
        rows.sort(key=lambda row: row[8])
        table = CopyTable(
            Deadline,
            columns(
                "id case_id kind key label due_date status responsible_organisation_id "
                "responsible_user_id created_at completed_at"
            ),
        )
        ids = sorted(row[0] for row in rows)
        rows = [(ids[n], *row[1:]) for n, row in enumerate(rows)]
        self.load(
            table,
            (
                (i, case, kind, key, DEADLINE_LABELS[kind], due, status, org, user, created, done)
                for i, case, kind, key, due, status, org, user, created, done in rows
            ),
        )
        change_id = itertools.count(next_ids(DeadlineChange))

        def changes() -> Iterator[tuple[Any, ...]]:
            for i, _, _, _, due, status, _, user, created, done in rows:
                yield (next(change_id), i, "skapad", None, due, "", user, created)
                if done is not None:
                    yield (next(change_id), i, status, None, None, "", user, done)

        self.load(
            CopyTable(
                DeadlineChange,
                columns(
                    "id deadline_id change old_due_date new_due_date reason changed_by_id "
                    "changed_at"
                ),
            ),
            changes(),
        )
        self.deadline_rows = len(rows)

    def audit_events(self) -> None:
        rng = self.rng("audit")
        events: list[tuple[Any, ...]] = []
        minute = timedelta(minutes=1)
        for case in self.cases:
            owner_handler = case.parts[0][3]
            events.append(
                (
                    case.id,
                    owner_handler,
                    case.owner,
                    "case_created",
                    "Ärendet skapades.",
                    True,
                    case.created_at,
                )
            )
            for n in range(1, len(case.parts)):
                events.append(
                    (
                        case.id,
                        owner_handler,
                        case.owner,
                        "participation_added",
                        "En part deltar i ärendet.",
                        True,
                        case.created_at + n * minute,
                    )
                )
        kinds = (
            ("state_changed", "Ärendet gick vidare till nästa steg."),
            ("note_added", "En anteckning skrevs."),
            ("deadline_set", "En frist sattes."),
            ("deadline_done", "En frist markerades som klar."),
            ("consent_recorded", "Samtycke dokumenterades."),
            ("handlaggare_assigned", "Ansvarig handläggare ändrades."),
            ("attachment_added", "En bilaga laddades upp."),
        )
        kind_cum = list(itertools.accumulate((5, 4, 3, 3, 1, 1, 1)))
        cum = self.case_weights
        for _ in range(max(0, self.counts.audit_events - len(events))):
            case = self.cases[bisect.bisect(cum, rng.random() * cum[-1])]
            kind, message = kinds[bisect.bisect(kind_cum, rng.random() * kind_cum[-1])]
            org, actor = self._staff_part(rng, case)
            end = case.closed_at or case.updated_at
            when = case.created_at + (end - case.created_at) * rng.random() + minute * 5
            events.append((case.id, actor, org, kind, message, rng.random() < 0.85, when))
        del events[self.counts.audit_events :]
        events.sort(key=lambda e: e[6])
        first = next_ids(AuditEvent)
        self.load(
            CopyTable(
                AuditEvent,
                columns("id case_id actor_id organisation_id kind message shared created_at"),
            ),
            ((first + n, *event) for n, event in enumerate(events)),
        )

    def access_log(self) -> None:
        rng = self.rng("access")
        span = YEARS * 365 * 86400
        entries: list[tuple[Any, ...]] = []
        actions = ("visa_arende",) * 16 + ("visa_klient",) * 3 + ("sokning",)
        # Reads cluster on recent work: draw the time first, then a case open at that time.
        created = [c.created_at for c in self.cases]
        for _ in range(self.counts.access_log):
            when = self.now - timedelta(seconds=int(span * rng.random() ** 1.5))
            upto = bisect.bisect(created, when)
            if upto == 0:
                upto = 1
            case = self.cases[rng.randrange(max(0, upto - 5000), upto)]
            org, user = self._staff_part(rng, case)
            if user is None or rng.random() < 0.08:
                chefs = self.org_by_id[org].chefs
                user = rng.choice(chefs) if chefs else self._any_member(org)
            action = rng.choice(actions)
            when = max(when, case.created_at)
            ip = f"10.20.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
            if action == "sokning":
                entries.append((user, org, action, None, None, ip, when))
            else:
                client = case.client_id if action == "visa_klient" else None
                entries.append((user, org, action, case.id, client, ip, when))
        entries.sort(key=lambda e: e[6])
        first = next_ids(AccessLog)
        self.load(
            CopyTable(
                AccessLog,
                columns(
                    "id user_id organisation_id action case_id client_id ip_address created_at"
                ),
            ),
            ((first + n, *entry) for n, entry in enumerate(entries)),
        )

    def notifications(self) -> None:
        rng = self.rng("notifications")
        by_user: dict[int, list[SynthCase]] = {}
        for case in self.cases:
            for _, _, _, handler in case.parts:
                if handler is not None:
                    by_user.setdefault(handler, []).append(case)
        users = sorted(by_user)
        if not users:
            return
        cum = list(itertools.accumulate(len(by_user[u]) for u in users))
        rows = []
        for _ in range(self.counts.notifications):
            user = users[bisect.bisect(cum, rng.random() * cum[-1])]
            case = rng.choice(by_user[user])
            when = self.now - timedelta(seconds=rng.randint(60, 120 * 86400))
            read = when + timedelta(hours=rng.randint(1, 72)) if rng.random() < 0.75 else None
            rows.append(
                (
                    user,
                    case.id,
                    f"En frist i {case.reference} närmar sig.",
                    when,
                    min(read, self.now) if read else None,
                )
            )
        rows.sort(key=lambda r: r[3])
        first = next_ids(Notification)
        self.load(
            CopyTable(Notification, columns("id recipient_id case_id message created_at read_at")),
            ((first + n, *row) for n, row in enumerate(rows)),
        )

    def reference_counters(self) -> None:
        next_id = itertools.count(next_ids(ReferenceCounter))
        self.load(
            CopyTable(ReferenceCounter, columns("id prefix year last_number")),
            [
                (next(next_id), prefix, year, last)
                for (prefix, year), last in sorted(self.counters.items())
            ],
        )

    def run(self) -> dict[str, int]:
        steps: list[tuple[str, Callable[[], None]]] = [
            ("organisationer", self.organisations),
            ("användare och medlemskap", self.users),
            ("klienter", self.clients),
            ("ärenden och deltagare", self.cases_and_parts),
            ("samtycken, anteckningar och bilagor", self.consents_and_notes),
            ("behörigheter (skyddad identitet, avhopparuppdrag)", self.grants),
            ("vårdprocesser, vårdgivarval och gemensamma planer", self.care),
            ("frister", self.deadlines),
            ("händelser", self.audit_events),
            ("åtkomstlogg", self.access_log),
            ("notiser", self.notifications),
            ("ärendenummerräknare", self.reference_counters),
        ]
        for label, step in steps:
            started = time.monotonic()
            step()
            self.log(f"{label}: {time.monotonic() - started:.1f} s")
        return self.report.rows


def history_insert_triggers() -> list[tuple[str, str]]:
    """(table, trigger) of the pghistory triggers that copy each inserted row to its event
    table. The bulk load turns off exactly these, nothing else (see the command's docstring)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
            WHERE NOT t.tgisinternal AND t.tgname LIKE 'pgtrigger_insert_insert_%%'
              AND c.relnamespace = current_schema()::regnamespace
            ORDER BY 1, 2
            """
        )
        return [(table, trigger) for table, trigger in cursor.fetchall()]


def checksum() -> str:
    """A fingerprint of the loaded data (ids, references, personnummer, states, owners): the
    same seed must give the same value."""
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        for sql in (
            "SELECT id, reference, client_id, state, owner_organisation_id FROM cases_case"
            " ORDER BY id",
            "SELECT id, id_number, first_name, last_name, protected_identity FROM cases_client"
            " ORDER BY id",
            "SELECT id, case_id, organisation_id, handlaggare_id FROM cases_participation"
            " ORDER BY id",
            "SELECT count(*), sum(case_id), sum(coalesce(actor_id, 0)) FROM cases_auditevent",
            "SELECT id, case_id, kind, status, due_date FROM cases_deadline ORDER BY id",
        ):
            cursor.execute(sql)
            for row in cursor.fetchall():
                digest.update(repr(row).encode())
    return digest.hexdigest()
