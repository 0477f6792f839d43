"""The inslussningsgrupp (001 § 10): members join and leave. An external member's organisation
becomes a party of the case, so the consent rule decides what they see: nothing until a consent
in force covers their organisation (``Case.objects.visible_to``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from cases import events as case_events
from cases.models import Membership, Organisation, Participation
from cases.roles import ROLES_BY_KIND, OrganisationKind, Role
from cases.services.cases import PART_ROLE_BY_KIND
from inslussning import events
from inslussning.models import CORE_ROLES, GroupMember, MemberRole
from inslussning.services import _require_staff, locked_programme

if TYPE_CHECKING:
    from accounts.models import User

# Which kind of organisation each role of the group is (None: a relative, no organisation).
KINDS_BY_ROLE: dict[str, tuple[str, ...] | None] = {
    MemberRole.ANSTALT: (OrganisationKind.ANSTALT,),
    MemberRole.FRIVARD: (OrganisationKind.FRIVARD,),
    MemberRole.SOCIALTJANST: (OrganisationKind.KOMMUN,),
    MemberRole.ARBETSFORMEDLINGEN: (OrganisationKind.ARBETSFORMEDLINGEN,),
    MemberRole.STODPERSON: (OrganisationKind.CIVILSAMHALLE,),
    MemberRole.REGION: (OrganisationKind.REGION,),
    MemberRole.OVRIG: (
        OrganisationKind.VARDGIVARE,
        OrganisationKind.POLIS,
        OrganisationKind.ARBETSFORMEDLINGEN,
        OrganisationKind.REGION,
        OrganisationKind.CIVILSAMHALLE,
    ),
    MemberRole.ANHORIG: None,
}


def is_external(organisation: Organisation) -> bool:
    """An organisation whose people only ever take part as extern_deltagare."""
    return ROLES_BY_KIND.get(organisation.kind) == (Role.EXTERN_DELTAGARE,)


@transaction.atomic
def member_add(
    *,
    case_id: int,
    actor: User,
    role: str,
    organisation: Organisation | None,
    contact_name: str,
    contact_phone: str = "",
    contact_email: str = "",
    invite: bool = False,
) -> GroupMember:
    case, programme = locked_programme(case_id, actor)
    acting = _require_staff(case, actor)
    if role not in KINDS_BY_ROLE:
        raise ValidationError({"role": _("Välj en roll i gruppen.")})
    kinds = KINDS_BY_ROLE[role]
    if kinds is None:
        if organisation is not None or invite:
            raise ValidationError(
                {"organisation": _("En anhörig deltar utan organisation och utan konto.")}
            )
    elif organisation is None or organisation.kind not in kinds:
        raise ValidationError({"organisation": _("Välj en organisation som passar rollen.")})
    if not contact_name.strip():
        raise ValidationError({"contact_name": _("Ange kontaktperson.")})
    if invite and (organisation is None or not is_external(organisation)):
        raise ValidationError(
            {"invite": _("Konto skapas bara för externa aktörer; övriga loggar in som vanligt.")}
        )
    if invite and not contact_email:
        raise ValidationError({"contact_email": _("Ange e-postadress för att skapa ett konto.")})
    if organisation is not None:
        if programme.members.filter(
            organisation=organisation, role=role, left_at__isnull=True
        ).exists():
            raise ValidationError({"organisation": _("Organisationen finns redan i gruppen.")})
        _participation, created = Participation.objects.get_or_create(
            case=case,
            organisation=organisation,
            defaults={
                "part_role": PART_ROLE_BY_KIND.get(organisation.kind, Participation.PartRole.EXTERN)
            },
        )
        if created:
            case_events.participation_added(
                case=case, actor=actor, organisation=acting, added=organisation
            )
    user = _external_account(organisation, contact_name, contact_email) if invite else None
    member = GroupMember.objects.create(
        programme=programme,
        role=role,
        organisation=organisation,
        contact_name=contact_name.strip(),
        contact_phone=contact_phone.strip(),
        contact_email=contact_email.strip(),
        user=user,
    )
    events.member_changed(
        case=case,
        actor=actor,
        organisation=acting,
        role_label=str(member.get_role_display()),
        added=True,
    )
    return member


def _external_account(organisation: Organisation | None, name: str, email: str) -> User:
    """The member's account with the extern_deltagare role (an existing one is reused), and an
    invitation to choose a password. The e-mail names no client and no case."""
    assert organisation is not None
    users = get_user_model()
    user = users.objects.filter(email__iexact=email).first()
    if user is None:
        first, _space, last = name.strip().partition(" ")
        user = users.objects.create_user(
            username=email.lower(), email=email, first_name=first, last_name=last
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        transaction.on_commit(lambda: _send_invitation(user))
    if (
        Membership.objects.filter(user=user)
        .exclude(organisation=organisation)
        .exclude(role=Role.EXTERN_DELTAGARE)
        .exists()
    ):
        raise ValidationError(
            {"contact_email": _("Adressen tillhör en anställd i en annan organisation.")}
        )
    Membership.objects.get_or_create(
        user=user, organisation=organisation, role=Role.EXTERN_DELTAGARE
    )
    return user


def invitation_path(user: User) -> str:
    """The one-time link of an invitation (Django's password-reset token: it stops working
    once the password is set, and after PASSWORD_RESET_TIMEOUT)."""
    return reverse(
        "accounts:activate",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


def _send_invitation(user: User) -> None:
    path = invitation_path(user)
    send_mail(
        subject=_("Inbjudan till Brygga"),
        message=render_to_string(
            "inslussning/invitation_email.txt", {"link": f"{settings.SITE_URL}{path}"}
        ),
        from_email=None,
        recipient_list=[user.email],
    )


@transaction.atomic
def member_leave(*, case_id: int, actor: User, member_id: int) -> GroupMember:
    """A member leaves the group. When nobody of an external organisation is left in it, the
    organisation stops being a party, and with it ends their access to the case."""
    case, programme = locked_programme(case_id, actor)
    acting = _require_staff(case, actor)
    member = programme.members.filter(pk=member_id, left_at__isnull=True).first()
    if member is None:
        raise Http404
    if member.role in CORE_ROLES and (
        programme.members.filter(role=member.role, left_at__isnull=True).count() == 1
    ):
        raise ValidationError(
            _("Anstalten, frivården och socialtjänsten ingår alltid i inslussningsgruppen.")
        )
    if member.areas.exclude(status__in=("klar", "inget_behov")).exists():
        raise ValidationError(
            _("Flytta först ansvaret för medlemmens pågående insatser till någon annan.")
        )
    member.left_at = timezone.now()
    member.save(update_fields=["left_at"])
    organisation = member.organisation
    if (
        organisation is not None
        and is_external(organisation)
        and not programme.members.filter(organisation=organisation, left_at__isnull=True).exists()
    ):
        Participation.objects.filter(case=case, organisation=organisation).delete()
    events.member_changed(
        case=case,
        actor=actor,
        organisation=acting,
        role_label=str(member.get_role_display()),
        added=False,
    )
    return member
