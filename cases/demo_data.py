"""Invented demo data for the Göteborg region (DOMAIN.md §1). No real people.

Organisation names follow real public bodies so that the demo reads true to the users; every
person, client and case is made up."""

from __future__ import annotations

from dataclasses import dataclass

from cases.roles import OrganisationKind as K
from cases.roles import Role


@dataclass(frozen=True)
class DemoOrganisation:
    slug: str
    name: str
    kind: str
    parent: str | None = None
    short_name: str = ""


ORGANISATIONS: tuple[DemoOrganisation, ...] = (
    DemoOrganisation("goteborg", "Göteborgs stad", K.KOMMUN, short_name="Göteborg"),
    DemoOrganisation(
        "nordost", "Göteborgs stad, socialnämnden Nordost", K.KOMMUN, "goteborg", "SN Nordost"
    ),
    DemoOrganisation(
        "centrum", "Göteborgs stad, socialnämnden Centrum", K.KOMMUN, "goteborg", "SN Centrum"
    ),
    DemoOrganisation(
        "sydvast", "Göteborgs stad, socialnämnden Sydväst", K.KOMMUN, "goteborg", "SN Sydväst"
    ),
    DemoOrganisation(
        "hisingen", "Göteborgs stad, socialnämnden Hisingen", K.KOMMUN, "goteborg", "SN Hisingen"
    ),
    DemoOrganisation(
        "molndal", "Mölndals stad, individ- och familjeomsorgen", K.KOMMUN, short_name="Mölndal"
    ),
    DemoOrganisation(
        "partille", "Partille kommun, socialtjänsten", K.KOMMUN, short_name="Partille"
    ),
    DemoOrganisation(
        "kungsbacka", "Kungsbacka kommun, individ och familj", K.KOMMUN, short_name="Kungsbacka"
    ),
    DemoOrganisation(
        "frivard-gbg",
        "Kriminalvården, frivården Göteborg",
        K.FRIVARD,
        short_name="Frivården Göteborg",
    ),
    DemoOrganisation(
        "frivard-molndal",
        "Kriminalvården, frivården Mölndal",
        K.FRIVARD,
        short_name="Frivården Mölndal",
    ),
    DemoOrganisation(
        "radanefors",
        "Kriminalvården, anstalten Rådanefors",
        K.ANSTALT,
        short_name="Anstalten Rådanefors",
    ),
    DemoOrganisation(
        "salberga", "Kriminalvården, anstalten Salberga", K.ANSTALT, short_name="Anstalten Salberga"
    ),
    DemoOrganisation(
        "eken", "Behandlingshemmet Eken AB (exempel)", K.VARDGIVARE, short_name="Eken"
    ),
    DemoOrganisation(
        "kustvard", "Kustvård Öppenvård AB (exempel)", K.VARDGIVARE, short_name="Kustvård"
    ),
    DemoOrganisation(
        "af-gbg",
        "Arbetsförmedlingen Göteborg",
        K.ARBETSFORMEDLINGEN,
        short_name="Arbetsförmedlingen",
    ),
    DemoOrganisation(
        "nystart", "Föreningen Nystart Väst (exempel)", K.CIVILSAMHALLE, short_name="Nystart Väst"
    ),
    DemoOrganisation(
        "vgr", "Västra Götalandsregionen, beroendevården", K.REGION, short_name="VGR beroendevård"
    ),
    DemoOrganisation("polis-vast", "Polisen, region Väst", K.POLIS, short_name="Polisen Väst"),
)

# Short, memorable prefixes for the demo usernames ("soc.nordost", "fi.frivard-gbg").
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

FIRST_NAMES = (
    "Anna",
    "Erik",
    "Sara",
    "Johan",
    "Maria",
    "Ahmed",
    "Elin",
    "Mikael",
    "Fatima",
    "Lars",
    "Karin",
    "Omar",
    "Linnea",
    "Peter",
    "Sofia",
    "Jonas",
    "Amina",
    "Henrik",
    "Emma",
    "Daniel",
)
LAST_NAMES = (
    "Berglund",
    "Lindqvist",
    "Haddad",
    "Nyström",
    "Ekström",
    "Yilmaz",
    "Sjöberg",
    "Holm",
    "Karlsson",
    "Mahmoud",
    "Wallin",
    "Lund",
    "Engström",
    "Axelsson",
    "Falk",
    "Öberg",
)


@dataclass(frozen=True)
class DemoCase:
    """One invented case. ``actor`` opens it for their organisation, inviting ``counterpart``."""

    actor: str
    counterpart: str
    case_type: str
    birth: str  # YYYYMMDD of the invented client
    serial: str  # three digits; the check digit is computed
    first_name: str
    last_name: str
    consent: str = ""  # "", "muntligt", "skriftligt" or "aterkallat"
    protected: bool = False
    court: str = ""
    malnummer: str = ""
    yttrande_in_days: int | None = None  # an open yttrande deadline relative to today


CASES: tuple[DemoCase, ...] = (
    DemoCase(
        "fi.frivard-gbg",
        "nordost",
        "kontraktsvard",
        "19880412",
        "981",
        "Kalle",
        "Exempelsson",
        consent="muntligt",
        court="Göteborgs tingsrätt",
        malnummer="B 4711-26",
        yttrande_in_days=5,
    ),
    DemoCase(
        "fi.frivard-gbg",
        "centrum",
        "kontraktsvard",
        "19950703",
        "982",
        "Lisa",
        "Testberg",
        court="Göteborgs tingsrätt",
        malnummer="B 5120-26",
        yttrande_in_days=-2,
    ),
    DemoCase(
        "kh.radanefors",
        "hisingen",
        "vardvistelse",
        "19790220",
        "983",
        "Ali",
        "Provsson",
        consent="skriftligt",
    ),
    DemoCase(
        "kh.salberga",
        "molndal",
        "vardvistelse",
        "19840918",
        "984",
        "Maja",
        "Demosdotter",
        consent="aterkallat",
    ),
    # The inslussning programmes are seeded with their programme data by inslussning.demo.
    DemoCase(
        "fi.frivard-molndal",
        "kungsbacka",
        "kontraktsvard",
        "19990630",
        "986",
        "Nora",
        "Fiktiv",
        consent="muntligt",
        protected=True,
        court="Göteborgs tingsrätt",
        malnummer="B 6002-26",
        yttrande_in_days=10,
    ),
    DemoCase(
        "soc.nordost",
        "frivard-gbg",
        "kontraktsvard",
        "19860314",
        "987",
        "Jonas",
        "Låtsasson",
        consent="muntligt",
        court="Göteborgs tingsrätt",
        malnummer="B 3990-26",
        yttrande_in_days=1,
    ),
    DemoCase(
        "fi.frivard-gbg",
        "sydvast",
        "vardvistelse",
        "19770811",
        "988",
        "Hanna",
        "Exempel",
    ),
)
