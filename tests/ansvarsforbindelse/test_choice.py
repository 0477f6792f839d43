"""The choice of vårdgivare (000 "Val av vårdgivare", DOMAIN.md §4), the register model it reads,
and the demo register.

The rule is a pure function: its tests use unsaved `CareProvider` instances and no database.
Only the model, queryset and seed tests are marked `django_db`."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from ansvarsforbindelse.choice import Recommendation, is_recommended, recommend, split_care_days
from ansvarsforbindelse.demo import DEMO_PROVIDERS, seed_care_providers
from ansvarsforbindelse.models import CareProvider, FormOfCare, ProcuredBy
from ansvarsforbindelse.orgnummer import is_valid_organisation_number, with_check_digit

# A planned stay of 180 care days: 1 March to 27 August 2026, both included.
START = date(2026, 3, 1)
END = date(2026, 8, 27)
# Kriminalvården has 1 March - 28 June (120 days); the kommun takes over on 29 June (60 days).
TRANSFER_KV_120 = date(2026, 6, 29)
# Kriminalvården has March (31 days); the kommun takes over on 1 April (149 days).
TRANSFER_KOMMUN_149 = date(2026, 4, 1)
# Kriminalvården has 1 March - 29 May (90 days); the kommun 30 May - 27 August (90 days).
TRANSFER_TIE = date(2026, 5, 30)

_serial = iter(range(100_000_000, 999_999_999, 7_919))


def make_provider(
    name: str,
    procured_by: ProcuredBy,
    *,
    form_of_care: FormOfCare = FormOfCare.INSTITUTION,
    valid_from: date = date(2026, 1, 1),
    valid_to: date | None = None,
    is_active: bool = True,
) -> CareProvider:
    """An unsaved provider with a fresh valid organisationsnummer."""
    nine = f"55{next(_serial) % 10_000_000:07d}"
    return CareProvider(
        name=name,
        organisation_number=with_check_digit(nine),
        procured_by=procured_by,
        form_of_care=form_of_care,
        valid_from=valid_from,
        valid_to=valid_to,
        is_active=is_active,
    )


@pytest.fixture
def register() -> dict[str, CareProvider]:
    """A small register: one institution per authority, plus öppenvård procured by both."""
    return {
        "bada": make_provider("Eken HVB (exempel)", ProcuredBy.BADA),
        "bada_oppen": make_provider(
            "Kustvård (exempel)", ProcuredBy.BADA, form_of_care=FormOfCare.OPPENVARD
        ),
        "kv": make_provider("Fyrbåken HVB (exempel)", ProcuredBy.KRIMINALVARDEN),
        "kv_2": make_provider("Almen HVB (exempel)", ProcuredBy.KRIMINALVARDEN),
        "kommun": make_provider("Bergsgården (exempel)", ProcuredBy.KOMMUN),
    }


def without(register: dict[str, CareProvider], *keys: str) -> list[CareProvider]:
    return [provider for key, provider in register.items() if key not in keys]


def test_the_planned_period_has_180_days() -> None:
    assert (END - START).days + 1 == 180
    assert split_care_days(planned_start=START, planned_end=END, transfer_date=TRANSFER_KV_120) == (
        120,
        60,
    )
    assert split_care_days(
        planned_start=START, planned_end=END, transfer_date=TRANSFER_KOMMUN_149
    ) == (31, 149)
    assert split_care_days(planned_start=START, planned_end=END, transfer_date=TRANSFER_TIE) == (
        90,
        90,
    )


# --- Rule 1: procured by both ---------------------------------------------------------------


def test_provider_procured_by_both_comes_first(register: dict[str, CareProvider]) -> None:
    # Even though Kriminalvården has two thirds of the days.
    result = recommend(
        providers=register.values(),
        planned_start=START,
        planned_end=END,
        transfer_date=TRANSFER_KV_120,
    )
    assert result.authority == ProcuredBy.BADA
    assert result.authority == "bada"
    assert result.providers == [register["bada"], register["bada_oppen"]]
    assert result.reason == "Vårdgivare upphandlade av båda myndigheterna väljs i första hand."
    assert (result.kv_days, result.kommun_days, result.total_days) == (120, 60, 180)


def test_providers_are_ordered_by_name_in_swedish_order() -> None:
    # Swedish: case-insensitive, é with e, and å < ä < ö after z.
    names = [
        "Östra vård (exempel)",
        "Ängen (exempel)",
        "Åsen (exempel)",
        "Zeta (exempel)",
        "bäcken (exempel)",
        "Ankaret (exempel)",
        "Bergsgården",
        "Café Eken (exempel)",
    ]
    providers = [make_provider(name, ProcuredBy.BADA) for name in names]
    result = recommend(
        providers=providers, planned_start=START, planned_end=END, transfer_date=TRANSFER_TIE
    )
    assert [p.name for p in result.providers] == [
        "Ankaret (exempel)",
        "Bergsgården",
        "bäcken (exempel)",
        "Café Eken (exempel)",
        "Zeta (exempel)",
        "Åsen (exempel)",
        "Ängen (exempel)",
        "Östra vård (exempel)",
    ]


# --- Rule 2: the larger part of the care time -----------------------------------------------


def test_kriminalvarden_has_the_larger_share(register: dict[str, CareProvider]) -> None:
    result = recommend(
        providers=without(register, "bada", "bada_oppen"),
        planned_start=START,
        planned_end=END,
        transfer_date=TRANSFER_KV_120,
    )
    assert result.authority == ProcuredBy.KRIMINALVARDEN
    assert result.providers == [register["kv_2"], register["kv"]]  # Almen before Fyrbåken
    assert (result.kv_days, result.kommun_days) == (120, 60)
    assert result.reason == (
        "Ingen lämplig vårdgivare upphandlad av båda myndigheterna finns. "
        "Kriminalvården ansvarar för 120 av 180 vårddagar (67 %), därför rekommenderas "
        "vårdgivare upphandlade av Kriminalvården."
    )


def test_kommun_has_the_larger_share(register: dict[str, CareProvider]) -> None:
    result = recommend(
        providers=without(register, "bada", "bada_oppen"),
        planned_start=START,
        planned_end=END,
        transfer_date=TRANSFER_KOMMUN_149,
    )
    assert result.authority == ProcuredBy.KOMMUN
    assert result.providers == [register["kommun"]]
    assert (result.kv_days, result.kommun_days) == (31, 149)
    assert result.reason == (
        "Ingen lämplig vårdgivare upphandlad av båda myndigheterna finns. "
        "Kommunen ansvarar för 149 av 180 vårddagar (83 %), därför rekommenderas "
        "vårdgivare upphandlade av kommunen."
    )


@pytest.mark.parametrize("transfer", [date(2026, 1, 15), START])
def test_transfer_on_or_before_start_gives_every_day_to_the_kommun(
    register: dict[str, CareProvider], transfer: date
) -> None:
    result = recommend(
        providers=without(register, "bada", "bada_oppen"),
        planned_start=START,
        planned_end=END,
        transfer_date=transfer,
    )
    assert (result.kv_days, result.kommun_days) == (0, 180)
    assert result.authority == ProcuredBy.KOMMUN
    assert result.providers == [register["kommun"]]
    assert "Kommunen ansvarar för 180 av 180 vårddagar (100 %)" in result.reason


@pytest.mark.parametrize("transfer", [date(2026, 12, 1), END + timedelta(days=1)])
def test_transfer_after_end_gives_every_day_to_kriminalvarden(
    register: dict[str, CareProvider], transfer: date
) -> None:
    result = recommend(
        providers=without(register, "bada", "bada_oppen"),
        planned_start=START,
        planned_end=END,
        transfer_date=transfer,
    )
    assert (result.kv_days, result.kommun_days) == (180, 0)
    assert result.authority == ProcuredBy.KRIMINALVARDEN
    assert "Kriminalvården ansvarar för 180 av 180 vårddagar (100 %)" in result.reason


def test_transfer_on_the_last_day_gives_the_kommun_one_day() -> None:
    assert split_care_days(planned_start=START, planned_end=END, transfer_date=END) == (179, 1)


def test_tie_goes_to_the_kommun(register: dict[str, CareProvider]) -> None:
    result = recommend(
        providers=without(register, "bada", "bada_oppen"),
        planned_start=START,
        planned_end=END,
        transfer_date=TRANSFER_TIE,
    )
    assert (result.kv_days, result.kommun_days) == (90, 90)
    assert result.authority == ProcuredBy.KOMMUN
    assert result.providers == [register["kommun"]]
    assert result.reason == (
        "Ingen lämplig vårdgivare upphandlad av båda myndigheterna finns. "
        "Kriminalvården och kommunen ansvarar för lika många vårddagar (90 var av 180). "
        "Vid lika fördelning rekommenderas vårdgivare upphandlade av kommunen, eftersom "
        "kommunen bär ansvaret från övergången till vårdtidens slut."
    )


def test_one_day_stay_on_the_transfer_day_is_the_kommuns() -> None:
    # Not a tie: the single day is the kommun's.
    assert split_care_days(planned_start=START, planned_end=START, transfer_date=START) == (0, 1)


def test_unknown_transfer_date_counts_everything_as_kriminalvarden(
    register: dict[str, CareProvider],
) -> None:
    result = recommend(
        providers=without(register, "bada", "bada_oppen"),
        planned_start=START,
        planned_end=END,
        transfer_date=None,
    )
    assert (result.kv_days, result.kommun_days) == (180, 0)
    assert result.authority == ProcuredBy.KRIMINALVARDEN
    assert result.providers == [register["kv_2"], register["kv"]]
    assert result.reason == (
        "Ingen lämplig vårdgivare upphandlad av båda myndigheterna finns. "
        "Datum då kommunen tar över är inte känt, så hela vårdtiden (180 vårddagar) räknas "
        "som Kriminalvårdens. Därför rekommenderas vårdgivare upphandlade av Kriminalvården."
    )


def test_percent_rounds_half_up() -> None:
    # 5 of 8 days = 62.5 %: shown as 63 % (Python's round() would give the even 62).
    eight_days_end = START + timedelta(days=7)
    kv = make_provider("Fyrbåken (exempel)", ProcuredBy.KRIMINALVARDEN)
    result = recommend(
        providers=[kv],
        planned_start=START,
        planned_end=eight_days_end,
        transfer_date=START + timedelta(days=5),
    )
    assert "Kriminalvården ansvarar för 5 av 8 vårddagar (63 %)" in result.reason
    kommun = make_provider("Bergsgården (exempel)", ProcuredBy.KOMMUN)
    result = recommend(
        providers=[kommun],
        planned_start=START,
        planned_end=eight_days_end,
        transfer_date=START + timedelta(days=3),
    )
    assert "Kommunen ansvarar för 5 av 8 vårddagar (63 %)" in result.reason


def test_one_day_uses_the_singular() -> None:
    provider = make_provider("Fyrbåken (exempel)", ProcuredBy.KRIMINALVARDEN)
    result = recommend(
        providers=[provider], planned_start=START, planned_end=START, transfer_date=None
    )
    assert "hela vårdtiden (1 vårddag)" in result.reason


# --- Validity for the whole period ----------------------------------------------------------


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "is_active"),
    [
        (date(2026, 3, 2), None, True),  # starts a day after the stay starts
        (date(2026, 1, 1), date(2026, 8, 26), True),  # ends a day before the stay ends
        (date(2026, 1, 1), date(2026, 6, 30), True),  # ends during the stay
        (date(2026, 9, 1), None, True),  # starts after the stay
        (date(2026, 1, 1), None, False),  # switched off in the register
    ],
)
def test_provider_not_valid_for_the_whole_period_is_excluded(
    register: dict[str, CareProvider], valid_from: date, valid_to: date | None, is_active: bool
) -> None:
    partial = make_provider(
        "Aaa Delvis HVB (exempel)",
        ProcuredBy.BADA,
        valid_from=valid_from,
        valid_to=valid_to,
        is_active=is_active,
    )
    result = recommend(
        providers=[partial, *without(register, "bada", "bada_oppen")],
        planned_start=START,
        planned_end=END,
        transfer_date=TRANSFER_KV_120,
    )
    assert not is_recommended(partial, result)
    assert result.authority == ProcuredBy.KRIMINALVARDEN
    assert partial not in result.providers


def test_agreement_exactly_covering_the_period_is_valid() -> None:
    exact = make_provider("Exakt HVB (exempel)", ProcuredBy.BADA, valid_from=START, valid_to=END)
    result = recommend(
        providers=[exact], planned_start=START, planned_end=END, transfer_date=TRANSFER_TIE
    )
    assert result.providers == [exact]


# --- Form of care ---------------------------------------------------------------------------


def test_form_of_care_filters_every_rule(register: dict[str, CareProvider]) -> None:
    oppen_kv = make_provider(
        "Älvstranden (exempel)", ProcuredBy.KRIMINALVARDEN, form_of_care=FormOfCare.OPPENVARD
    )
    providers = [*register.values(), oppen_kv]

    oppenvard = recommend(
        providers=providers,
        planned_start=START,
        planned_end=END,
        transfer_date=TRANSFER_KV_120,
        form_of_care=FormOfCare.OPPENVARD,
    )
    assert oppenvard.authority == ProcuredBy.BADA
    assert oppenvard.providers == [register["bada_oppen"]]

    institution = recommend(
        providers=providers,
        planned_start=START,
        planned_end=END,
        transfer_date=TRANSFER_KV_120,
        form_of_care="institution",
    )
    assert institution.providers == [register["bada"]]

    # The öppenvård provider procured by both ends before the stay does: rule 2 finds the
    # Kriminalvården öppenvård provider, not Kriminalvården's institutions.
    register["bada_oppen"].valid_to = date(2026, 7, 31)
    fallback = recommend(
        providers=providers,
        planned_start=START,
        planned_end=END,
        transfer_date=TRANSFER_KV_120,
        form_of_care=FormOfCare.OPPENVARD,
    )
    assert fallback.authority == ProcuredBy.KRIMINALVARDEN
    assert fallback.providers == [oppen_kv]


def test_unknown_form_of_care_is_a_programming_error(register: dict[str, CareProvider]) -> None:
    with pytest.raises(ValueError, match="form of care"):
        recommend(
            providers=register.values(),
            planned_start=START,
            planned_end=END,
            transfer_date=None,
            form_of_care="hvb",
        )


# --- Rule 3: nothing fits -------------------------------------------------------------------


def test_no_provider_fits(register: dict[str, CareProvider]) -> None:
    # Only a kommun provider, but Kriminalvården has the larger share.
    result = recommend(
        providers=[register["kommun"]],
        planned_start=START,
        planned_end=END,
        transfer_date=TRANSFER_KV_120,
    )
    assert result.providers == []
    assert result.authority == ProcuredBy.KRIMINALVARDEN
    assert not is_recommended(register["kommun"], result)
    assert result.reason == (
        "Ingen vårdgivare upphandlad av båda myndigheterna eller av Kriminalvården passar för "
        "hela vårdtiden. Kriminalvården ansvarar för 120 av 180 vårddagar (67 %). "
        "Väljs en annan vårdgivare ska valet motiveras skriftligt."
    )


def test_no_provider_fits_names_the_form_of_care(register: dict[str, CareProvider]) -> None:
    result = recommend(
        providers=register.values(),
        planned_start=START,
        planned_end=END,
        transfer_date=TRANSFER_TIE,
        form_of_care=FormOfCare.STODBOENDE,
    )
    assert result.providers == []
    assert result.authority == ProcuredBy.KOMMUN
    assert result.reason.startswith(
        "Ingen vårdgivare med vårdformen ”Stödboende” upphandlad av båda myndigheterna eller av "
        "kommunen passar för hela vårdtiden."
    )
    assert "vid lika fördelning gäller kommunen" in result.reason
    assert result.reason.endswith("Väljs en annan vårdgivare ska valet motiveras skriftligt.")


def test_empty_register() -> None:
    result = recommend(providers=[], planned_start=START, planned_end=END, transfer_date=None)
    assert result.providers == []
    assert "hela vårdtiden (180 vårddagar) räknas som Kriminalvårdens" in result.reason
    assert "motiveras skriftligt" in result.reason


# --- Arguments and helpers ------------------------------------------------------------------


def test_end_before_start_is_rejected(register: dict[str, CareProvider]) -> None:
    with pytest.raises(ValueError, match="planned_end"):
        recommend(
            providers=register.values(),
            planned_start=END,
            planned_end=START,
            transfer_date=None,
        )


def test_recommendation_is_frozen(register: dict[str, CareProvider]) -> None:
    result = recommend(
        providers=register.values(), planned_start=START, planned_end=END, transfer_date=None
    )
    assert isinstance(result, Recommendation)
    with pytest.raises(AttributeError):
        result.reason = "annat"


def test_is_recommended(register: dict[str, CareProvider]) -> None:
    result = recommend(
        providers=register.values(), planned_start=START, planned_end=END, transfer_date=None
    )
    assert is_recommended(register["bada"], result)
    assert not is_recommended(register["kv"], result)


@settings(deadline=None, max_examples=300)
@given(
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)),
    length=st.integers(min_value=0, max_value=1000),
    transfer_offset=st.integers(min_value=-400, max_value=1400),
)
def test_care_days_always_add_up(start: date, length: int, transfer_offset: int) -> None:
    end = start + timedelta(days=length)
    transfer = start + timedelta(days=transfer_offset)
    kv_days, kommun_days = split_care_days(
        planned_start=start, planned_end=end, transfer_date=transfer
    )
    assert kv_days + kommun_days == length + 1
    # Kriminalvården's days are exactly the days of the period before the transfer date.
    assert kv_days == sum(1 for n in range(length + 1) if start + timedelta(days=n) < transfer)


# --- The register (database) ----------------------------------------------------------------


@pytest.mark.django_db
def test_valid_to_before_valid_from_is_rejected_by_the_database() -> None:
    provider = make_provider(
        "Baklänges (exempel)",
        ProcuredBy.BADA,
        valid_from=date(2026, 2, 1),
        valid_to=date(2026, 1, 31),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        provider.save()
    # A one-day agreement is allowed.
    provider.valid_to = provider.valid_from
    provider.save()


@pytest.mark.django_db
def test_valid_to_before_valid_from_is_a_form_error() -> None:
    provider = make_provider(
        "Baklänges (exempel)",
        ProcuredBy.BADA,
        valid_from=date(2026, 2, 1),
        valid_to=date(2026, 1, 31),
    )
    with pytest.raises(ValidationError) as excinfo:
        provider.full_clean()
    assert [e.code for e in excinfo.value.error_dict["valid_to"]] == ["valid_period"]


@pytest.mark.django_db
def test_valid_on() -> None:
    open_ended = make_provider("A tills vidare (exempel)", ProcuredBy.BADA)
    bounded = make_provider(
        "B till juni (exempel)",
        ProcuredBy.KOMMUN,
        valid_from=date(2026, 2, 1),
        valid_to=date(2026, 6, 30),
    )
    inactive = make_provider("C avstängd (exempel)", ProcuredBy.KRIMINALVARDEN, is_active=False)
    for provider in (open_ended, bounded, inactive):
        provider.save()

    def names(day: date) -> list[str]:
        return [p.name for p in CareProvider.objects.valid_on(day)]

    assert names(date(2025, 12, 31)) == []
    assert names(date(2026, 1, 1)) == ["A tills vidare (exempel)"]
    assert names(date(2026, 2, 1)) == ["A tills vidare (exempel)", "B till juni (exempel)"]
    assert names(date(2026, 6, 30)) == ["A tills vidare (exempel)", "B till juni (exempel)"]
    assert names(date(2026, 7, 1)) == ["A tills vidare (exempel)"]
    assert names(date(2040, 1, 1)) == ["A tills vidare (exempel)"]
    for day in (date(2025, 12, 31), date(2026, 2, 1), date(2026, 7, 1)):
        assert [p.is_valid_on(day) for p in (open_ended, bounded, inactive)] == [
            p.name in names(day) for p in (open_ended, bounded, inactive)
        ]


@pytest.mark.django_db
def test_valid_throughout_matches_the_rule() -> None:
    covering = make_provider("A hela (exempel)", ProcuredBy.BADA, valid_to=END)
    short = make_provider("B kort (exempel)", ProcuredBy.BADA, valid_to=END - timedelta(days=1))
    late = make_provider("C sen (exempel)", ProcuredBy.BADA, valid_from=START + timedelta(1))
    for provider in (covering, short, late):
        provider.save()
    assert list(CareProvider.objects.valid_throughout(START, END)) == [covering]
    assert [p.is_valid_throughout(START, END) for p in (covering, short, late)] == [
        True,
        False,
        False,
    ]


@pytest.mark.django_db
def test_recommend_accepts_a_queryset() -> None:
    seed_care_providers()
    result = recommend(
        providers=CareProvider.objects.all(),
        planned_start=date(2026, 9, 1),
        planned_end=date(2027, 2, 28),
        transfer_date=date(2026, 11, 1),
        form_of_care=FormOfCare.OPPENVARD,
    )
    # Kustvård (both) ends with 2026, so rule 2: Kriminalvården has 61 of 181 days, the kommun
    # has the larger share but procured no öppenvård: nothing fits.
    assert (result.kv_days, result.kommun_days) == (61, 120)
    assert result.authority == ProcuredBy.KOMMUN
    assert result.providers == []


@pytest.mark.django_db
def test_register_ordering_and_str() -> None:
    for name in ("Ö (exempel)", "A (exempel)", "M (exempel)"):
        make_provider(name, ProcuredBy.BADA).save()
    assert [str(p) for p in CareProvider.objects.all()] == [
        "A (exempel)",
        "M (exempel)",
        "Ö (exempel)",
    ]


@pytest.mark.django_db
def test_admin_lists_filters_and_searches_the_register(admin_client) -> None:
    seed_care_providers()
    url = reverse("admin:ansvarsforbindelse_careprovider_changelist")
    response = admin_client.get(url)
    assert response.status_code == 200
    assert "Behandlingshemmet Eken AB (exempel)" in response.text
    response = admin_client.get(url, {"procured_by__exact": "kommun"})
    assert response.status_code == 200
    assert "Stödboendet Hamnen AB (exempel)" in response.text
    assert "Behandlingshemmet Eken AB (exempel)" not in response.text
    response = admin_client.get(url, {"form_of_care__exact": "oppenvard", "q": "802012"})
    assert response.status_code == 200
    assert "Stiftelsen Fyrbåken HVB (exempel)" not in response.text
    response = admin_client.get(url, {"q": "802012"})
    assert "Stiftelsen Fyrbåken HVB (exempel)" in response.text


# --- Demo register --------------------------------------------------------------------------


def test_demo_providers_are_valid_and_cover_the_rule() -> None:
    numbers = [item.organisation_number for item in DEMO_PROVIDERS]
    assert len(DEMO_PROVIDERS) == 6
    assert len(set(numbers)) == 6
    assert all(is_valid_organisation_number(number) for number in numbers)
    assert all(int(number[2]) >= 2 for number in numbers)
    assert all(item.name.endswith("(exempel)") for item in DEMO_PROVIDERS)
    assert {item.procured_by for item in DEMO_PROVIDERS} == set(ProcuredBy)
    forms_of_care = {item.form_of_care for item in DEMO_PROVIDERS}
    assert {FormOfCare.INSTITUTION, FormOfCare.OPPENVARD} <= forms_of_care


@pytest.mark.django_db
def test_seed_care_providers_is_idempotent() -> None:
    first = seed_care_providers()
    assert CareProvider.objects.count() == 6
    CareProvider.objects.filter(pk=first[0].pk).update(name="Ändrat namn", is_active=False)
    second = seed_care_providers()
    assert CareProvider.objects.count() == 6
    assert [p.pk for p in second] == [p.pk for p in first]
    restored = CareProvider.objects.get(pk=first[0].pk)
    assert restored.name == DEMO_PROVIDERS[0].name
    assert restored.is_active
    for provider in CareProvider.objects.all():
        provider.full_clean()  # the demo rows pass the model's own validation
        assert provider.valid_from == date(2026, 1, 1)


@pytest.mark.django_db
def test_demo_register_gives_both_procured_institution_first() -> None:
    seed_care_providers()
    result = recommend(
        providers=CareProvider.objects.all(),
        planned_start=date(2026, 4, 1),
        planned_end=date(2026, 9, 30),
        transfer_date=date(2026, 8, 1),
        form_of_care=FormOfCare.INSTITUTION,
    )
    assert result.authority == ProcuredBy.BADA
    assert [p.name for p in result.providers] == ["Behandlingshemmet Eken AB (exempel)"]
