"""The permission matrix (DOMAIN.md §2, DESIGN.md "Permissions"): every role × every case view ×
own organisation / other participant with consent / without consent / withdrawn consent /
unrelated organisation. Outside scope is always 404; the other party without consent sees
only the request; protected identity stays masked without an explicit grant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm

from cases.models import Attachment, Case, Consent, Note
from cases.roles import OrganisationKind, Role
from tests.factories import (
    CaseFactory,
    ClientFactory,
    MembershipFactory,
    OrganisationFactory,
    give_consent,
)

PDF = b"%PDF-1.4\n%%EOF\n"


@dataclass
class World:
    case: Case
    users: dict[str, object]
    orgs: dict[str, object]
    owner_note: Note
    counterpart_shared_note: Note
    counterpart_internal_note: Note
    counterpart_attachment: Attachment


def _world(*, consent: str, protected: bool = False) -> World:
    kommun = OrganisationFactory(name="SN Ägare", kind=OrganisationKind.KOMMUN)
    frivard = OrganisationFactory(name="Frivården Motpart", kind=OrganisationKind.FRIVARD)
    unrelated = OrganisationFactory(name="SN Obehörig", kind=OrganisationKind.KOMMUN)
    extern_org = OrganisationFactory(
        name="Arbetsförmedlingen", kind=OrganisationKind.ARBETSFORMEDLINGEN
    )
    roles = {
        "soc_owner": (kommun, Role.SOCIALSEKRETERARE),
        "chef_owner": (kommun, Role.ENHETSCHEF),
        "sysf_owner": (kommun, Role.SYSTEMFORVALTARE),
        "fi_counterpart": (frivard, Role.FRIVARDSINSPEKTOR),
        "kvi_counterpart": (frivard, Role.KRIMINALVARDSINSPEKTOR),
        "soc_unrelated": (unrelated, Role.SOCIALSEKRETERARE),
        "chef_unrelated": (unrelated, Role.ENHETSCHEF),
        "extern": (extern_org, Role.EXTERN_DELTAGARE),
    }
    users = {
        name: MembershipFactory(organisation=org, role=role, user__username=name).user
        for name, (org, role) in roles.items()
    }
    client = ClientFactory(
        first_name="Hemlig", last_name="Personsson", protected_identity=protected
    )
    case = CaseFactory(
        owner_organisation=kommun,
        client=client,
        participants__counterpart=frivard,
        participants__handlaggare=users["soc_owner"],
    )
    case.participations.create(organisation=extern_org, part_role="extern")
    owner_note = Note.objects.create(
        case=case, organisation=kommun, author=users["soc_owner"], body="Ägarens interna anteckning"
    )
    Note.objects.create(
        case=case,
        organisation=kommun,
        author=users["soc_owner"],
        body="Socialtjänstens delade anteckning",
        visibility="delad",
    )
    shared = Note.objects.create(
        case=case,
        organisation=frivard,
        author=users["fi_counterpart"],
        body="Frivårdens delade underlag",
        visibility="delad",
    )
    internal = Note.objects.create(
        case=case,
        organisation=frivard,
        author=users["fi_counterpart"],
        body="Frivårdens interna anteckning",
        visibility="intern",
    )
    attachment = Attachment.objects.create(
        case=case,
        organisation=frivard,
        uploaded_by=users["fi_counterpart"],
        visibility="delad",
        file=SimpleUploadedFile("u.pdf", PDF),
        original_name="underlag.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256="0" * 64,
        scan_status="ej_kontrollerad",
    )
    if consent in {"given", "withdrawn"}:
        consent_obj = give_consent(case, kommun, frivard, recorded_by=users["soc_owner"])
        if consent == "withdrawn":
            Consent.objects.filter(pk=consent_obj.pk).update(withdrawn_at=timezone.now())
    if consent == "given_with_extern":
        give_consent(case, kommun, frivard, extern_org, recorded_by=users["soc_owner"])
    return World(
        case,
        users,
        {"kommun": kommun, "frivard": frivard},
        owner_note,
        shared,
        internal,
        attachment,
    )


def _get(http: HttpClient, user: object, url: str) -> tuple[int, str]:
    http.force_login(user)
    response = http.get(url)
    body = (
        response.content.decode() if response.status_code == 200 and not response.streaming else ""
    )
    return response.status_code, body


# (user, consent scenario) -> expected: status of the case page, whether the client's name and
# the *other* party's shared note are visible (each organisation always sees its own notes).
MATRIX = [
    # The owner organisation always sees its own case and client.
    ("soc_owner", "none", 200, True, False),
    ("soc_owner", "given", 200, True, True),
    ("soc_owner", "withdrawn", 200, True, False),
    ("chef_owner", "none", 200, True, False),
    ("chef_owner", "given", 200, True, True),
    # The counterpart sees the request only, until consent covers it; withdrawal ends it.
    ("fi_counterpart", "none", 200, False, False),
    ("fi_counterpart", "given", 200, True, True),
    ("fi_counterpart", "withdrawn", 200, False, False),
    ("kvi_counterpart", "none", 200, False, False),
    ("kvi_counterpart", "given", 200, True, True),
    # An extern participant sees nothing without a consent that names their organisation.
    ("extern", "none", 404, False, False),
    ("extern", "given", 404, False, False),
    ("extern", "given_with_extern", 200, True, True),
    # Unrelated organisations and administrators never see the case.
    ("soc_unrelated", "given", 404, False, False),
    ("chef_unrelated", "given", 404, False, False),
    ("sysf_owner", "given", 404, False, False),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("user", "consent", "status", "name_visible", "shared_visible"), MATRIX)
def test_case_page_matrix(
    client: HttpClient,
    user: str,
    consent: str,
    status: int,
    name_visible: bool,
    shared_visible: bool,
) -> None:
    world = _world(consent=consent)
    code, body = _get(client, world.users[user], reverse("cases:detail", args=[world.case.pk]))
    assert code == status
    if status != 200:
        return
    assert world.case.reference in body
    assert ("Personsson" in body) is name_visible
    other_party_shared = (
        "Socialtjänstens delade anteckning"
        if user.endswith("counterpart")
        else "Frivårdens delade underlag"
    )
    assert (other_party_shared in body) is shared_visible
    # Another organisation's internal notes are never shown, whatever the consent.
    if user.endswith("owner") or user == "extern":
        assert "Frivårdens interna anteckning" not in body
    if user.endswith("counterpart") or user == "extern":
        assert "Ägarens interna anteckning" not in body
    if not name_visible:
        assert world.case.client.id_number[2:8] not in body


@pytest.mark.django_db
@pytest.mark.parametrize(("user", "consent", "status", "name_visible", "shared_visible"), MATRIX)
def test_other_case_urls_follow_the_same_scope(
    client: HttpClient,
    user: str,
    consent: str,
    status: int,
    name_visible: bool,
    shared_visible: bool,
) -> None:
    world = _world(consent=consent)
    pk = world.case.pk
    timeline, _ = _get(client, world.users[user], reverse("cases:timeline", args=[pk]))
    assert timeline == status
    download = client.get(
        reverse("cases:attachment_download", args=[pk, world.counterpart_attachment.pk])
    )
    own_org = user.endswith("counterpart")
    # The attachment is the counterpart's: its own organisation always; others with consent.
    assert download.status_code == (200 if status == 200 and (own_org or shared_visible) else 404)
    note = client.post(
        reverse("cases:note_create", args=[pk]), {"body": "x", "visibility": "intern"}
    )
    if status == 404:
        assert note.status_code == 404
        assert not Note.objects.filter(body="x").exists()


@pytest.mark.django_db
def test_protected_identity_is_masked_even_with_consent_until_granted(client: HttpClient) -> None:
    world = _world(consent="given", protected=True)
    url = reverse("cases:detail", args=[world.case.pk])
    for user in ("soc_owner", "chef_owner", "fi_counterpart"):
        _, body = _get(client, world.users[user], url)
        assert "Personsson" not in body and "Skyddad identitet" in body
    assign_perm("cases.view_protected_identity", world.users["fi_counterpart"], world.case.client)
    _, body = _get(client, world.users["fi_counterpart"], url)
    assert "Personsson" in body


@pytest.mark.django_db
def test_withdrawal_removes_access_immediately_and_is_on_the_timeline(client: HttpClient) -> None:
    world = _world(consent="given")
    consent = world.case.consents.get()
    url = reverse("cases:detail", args=[world.case.pk])
    client.force_login(world.users["soc_owner"])
    response = client.post(
        reverse("cases:consent_withdraw", args=[world.case.pk, consent.pk]),
        {f"aterkalla-{consent.pk}-note": "Klienten ringde och återkallade samtycket."},
    )
    assert response.status_code == 302
    _, body = _get(client, world.users["fi_counterpart"], url)
    assert "Personsson" not in body, body[
        body.find("Personsson") - 300 : body.find("Personsson") + 50
    ]
    assert "Socialtjänstens delade anteckning" not in body
    assert "Ni ser bara förfrågan" in body
    _, body = _get(client, world.users["soc_owner"], url)
    assert "Samtycket återkallades" in body


@pytest.mark.django_db
def test_a_membership_changed_today_changes_access_at_once(client: HttpClient) -> None:
    """The access rule is built once per user and set of organisations (cases.models.cases.
    CaseManager); what it finds must still follow memberships added or ended since."""
    world = _world(consent="none")
    newcomer = world.users["soc_unrelated"]
    url = reverse("cases:detail", args=[world.case.pk])
    assert _get(client, newcomer, url)[0] == 404

    membership = MembershipFactory(
        user=newcomer, organisation=world.orgs["kommun"], role=Role.SOCIALSEKRETERARE
    )
    status, body = _get(client, newcomer, url)
    assert status == 200 and "Personsson" in body

    membership.valid_until = timezone.localdate() - timedelta(days=1)
    membership.save()
    assert _get(client, newcomer, url)[0] == 404


@pytest.mark.django_db
def test_the_kept_rule_and_a_chained_rule_select_the_same_cases() -> None:
    world = _world(consent="given")
    for name, user in world.users.items():
        kept = set(Case.objects.visible_to(user).values_list("pk", "shared_access"))
        built = set(Case.objects.all().visible_to(user).values_list("pk", "shared_access"))
        assert kept == built, name
