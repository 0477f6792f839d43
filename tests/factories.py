from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from cases.models import Membership, Organisation
from cases.roles import OrganisationKind, Role

DEMO_TEST_PASSWORD = "test-lösenord-2026"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Socialnämnden Test {n}")
    kind = OrganisationKind.KOMMUN


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Testa"
    last_name = factory.Sequence(lambda n: f"Testsson{n}")
    password = factory.PostGenerationMethodCall("set_password", DEMO_TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.SOCIALSEKRETERARE


def valid_personnummer(n: int) -> str:
    """A valid, invented 12-digit personnummer for sequence number ``n`` (born 1950-1999)."""
    from cases.personnummer import luhn_check_digit

    year = 50 + n % 50
    month = 1 + (n // 50) % 12
    day = 1 + (n // 600) % 28
    serial = 100 + (n // 16800) % 900
    core = f"{year:02d}{month:02d}{day:02d}{serial:03d}"
    return f"19{core}{luhn_check_digit(core)}"


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cases.Client"

    id_kind = "personnummer"
    id_number = factory.Sequence(valid_personnummer)
    first_name = factory.Sequence(lambda n: f"Klient{n}")
    last_name = "Exempelsson"
    protected_identity = False


class CaseFactory(factory.django.DjangoModelFactory):
    """A case owned by ``owner_organisation`` with a participation for it; pass
    ``counterpart=`` to add the other party (without consent)."""

    class Meta:
        model = "cases.Case"
        skip_postgeneration_save = True

    case_type = "kontraktsvard"
    reference = factory.Sequence(lambda n: f"KV-2026-{n + 1:05d}")
    client = factory.SubFactory(ClientFactory)
    state = "initierad"
    owner_organisation = factory.SubFactory(OrganisationFactory)

    @factory.post_generation
    def participants(obj, create: bool, extracted: object, **kwargs: object) -> None:
        from cases.models import Participation

        if not create:
            return
        Participation.objects.create(
            case=obj,
            organisation=obj.owner_organisation,
            part_role="kommun",
            handlaggare=kwargs.get("handlaggare"),
        )
        counterpart = kwargs.get("counterpart")
        if counterpart is not None:
            Participation.objects.create(case=obj, organisation=counterpart, part_role="frivard")


def give_consent(case: object, *organisations: Organisation, recorded_by: object) -> object:
    """An oral consent covering ``organisations``, recorded directly (tests of reading)."""
    from cases.models import Consent, ConsentParty, Note

    note = Note.objects.create(
        case=case,
        organisation=organisations[0],
        author=recorded_by,
        body="Muntligt samtycke inhämtat vid möte.",
        visibility="delad",
    )
    consent = Consent.objects.create(
        case=case,
        scope="Kontraktsvård",
        given_on="2026-11-01",
        form="muntligt",
        journal_note=note,
        recorded_by=recorded_by,
        recorded_by_organisation=organisations[0],
    )
    for organisation in organisations:
        ConsentParty.objects.create(consent=consent, organisation=organisation)
    return consent
