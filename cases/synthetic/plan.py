"""How many rows of each kind: DESIGN.md "Performance budgets" at 150 000 cases, in proportion
for any other size (organisations and users with a floor, so that a small data set still has
every kind of organisation and every role)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

FULL_CASES = 150_000
# DESIGN.md: 150 000 cases, 100 000 clients, 2 000 000 audit events, 400 000 deadlines,
# 60 organisations, 1 500 users.
FULL = {
    "clients": 100_000,
    "audit_events": 2_000_000,
    "deadlines": 400_000,
    "organisations": 60,
    "users": 1_500,
    # Not in DESIGN.md; chosen so that the chefs' log review has a realistic table to search
    # (about seven reads logged per case over three years).
    "access_log": 1_000_000,
    # About twenty notifications per user.
    "notifications": 30_000,
}
MIN_ORGANISATIONS = 14
# Open (active) deadlines: "a few thousand" at full size, about a fifth of them overdue.
ACTIVE_DEADLINE_SHARE = 0.03
OVERDUE_SHARE_OF_ACTIVE = 0.2
CANCELLED_DEADLINE_SHARE = 0.04
PROTECTED_IDENTITY_SHARE = 0.02
YEARS = 3


@dataclass(frozen=True)
class Counts:
    cases: int
    clients: int
    audit_events: int
    deadlines: int
    organisations: int
    users: int
    access_log: int
    notifications: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class OrganisationMix:
    """How many organisations of each kind (kommun parents have socialnämnder as units)."""

    kommun_parents: int
    kommun_units: int
    kommun_standalone: int
    frivard: int
    anstalt: int
    vardgivare: int
    arbetsformedlingen: int
    region: int
    civilsamhalle: int
    polis: int

    @property
    def total(self) -> int:
        return sum(asdict(self).values())

    @property
    def staff_organisations(self) -> int:
        """Organisations whose users handle cases (every one gets the minimum roles)."""
        return self.kommun_units + self.kommun_standalone + self.frivard + self.anstalt

    @property
    def external(self) -> int:
        return (
            self.vardgivare
            + self.arbetsformedlingen
            + self.region
            + self.civilsamhalle
            + self.polis
        )


def organisation_mix(total: int) -> OrganisationMix:
    """At 60: 30 kommun organisations (2 kommuner with 14 socialnämnder, 14 single kommuner),
    8 frivårdskontor, 8 anstalter, 6 vårdgivare and 2 each of the other external kinds."""
    total = max(total, MIN_ORGANISATIONS)

    def share(per_sixty: int) -> int:
        return max(1, round(total * per_sixty / 60))

    frivard, anstalt, vardgivare = share(8), share(8), share(6)
    small = [share(2) for _ in range(4)]
    kommun = total - frivard - anstalt - vardgivare - sum(small)
    parents = max(1, kommun // 15)
    units = min(7 * parents, (kommun - parents) // 2)
    return OrganisationMix(
        kommun_parents=parents,
        kommun_units=units,
        kommun_standalone=kommun - parents - units,
        frivard=frivard,
        anstalt=anstalt,
        vardgivare=vardgivare,
        arbetsformedlingen=small[0],
        region=small[1],
        civilsamhalle=small[2],
        polis=small[3],
    )


# The fewest users that give every organisation its roles: a kommun unit or single kommun
# socialsekreterare, enhetschef, samordnare, registrator and systemförvaltare; a frivårdskontor
# frivårdsinspektör, kriminalvårdsinspektör, samordnare and registrator; an anstalt
# klienthandläggare and kriminalvårdsinspektör; a kommun parent an enhetschef and a
# systemförvaltare; an external organisation one extern deltagare.
def minimum_users(mix: OrganisationMix) -> int:
    return (
        5 * (mix.kommun_units + mix.kommun_standalone)
        + 4 * mix.frivard
        + 2 * mix.anstalt
        + 2 * mix.kommun_parents
        + mix.external
    )


def counts_for(cases: int) -> Counts:
    """The row counts for a data set of ``cases`` cases."""
    if cases < 1:
        raise ValueError("at least one case")
    factor = cases / FULL_CASES
    organisations = organisation_mix(round(FULL["organisations"] * factor)).total
    mix = organisation_mix(organisations)
    return Counts(
        cases=cases,
        clients=max(1, round(FULL["clients"] * factor)),
        audit_events=round(FULL["audit_events"] * factor),
        deadlines=round(FULL["deadlines"] * factor),
        organisations=organisations,
        users=max(minimum_users(mix), round(FULL["users"] * factor)),
        access_log=round(FULL["access_log"] * factor),
        notifications=round(FULL["notifications"] * factor),
    )
