from __future__ import annotations

from typing import TYPE_CHECKING

import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.roles import ROLES_BY_KIND, OrganisationKind, Role

if TYPE_CHECKING:
    from accounts.models import User


@pghistory.track()
class Organisation(models.Model):
    """A party to the joint work: a socialnämnd, a frivårdskontor, an anstalt, ...

    A kommun's socialnämnder (or stadsdelar) have the kommun as ``parent`` so that a chef's
    dashboard and the avhopparuppdrag agreement can speak of the kommun as a whole."""

    name = models.CharField(_("namn"), max_length=200, unique=True)
    short_name = models.CharField(_("kortnamn"), max_length=60, blank=True)
    kind = models.CharField(_("typ"), max_length=30, choices=OrganisationKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("överordnad organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
    )
    organisation_number = models.CharField(_("organisationsnummer"), max_length=11, blank=True)
    email = models.EmailField(_("funktionsbrevlåda"), blank=True)
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")

    def __str__(self) -> str:
        return self.name


def load_memberships(user: User) -> None:
    """Read the user's memberships, with their organisations, once for the request: the access
    rule (``access_organisations``), the menu (accounts.context_processors),
    ``permissions.acting_membership``, the ansvarsförbindelse permissions and the list's own
    columns each read ``user.memberships.all()``. A service that must see a membership ended
    meanwhile drops them (``forget_memberships``) and so reads them again in its transaction."""
    prefetch_related_objects(
        [user], Prefetch("memberships", queryset=Membership.objects.select_related("organisation"))
    )


def memberships_of(user: User) -> list[Membership]:
    """The user's memberships as read for this request (read now, once, if not yet)."""
    if "memberships" not in getattr(user, "_prefetched_objects_cache", {}):
        load_memberships(user)
    return list(user.memberships.all())


def forget_memberships(user: User) -> None:
    """Drop the memberships read for the request, so that the next use reads them again."""
    getattr(user, "_prefetched_objects_cache", {}).pop("memberships", None)


class MembershipQuerySet(models.QuerySet["Membership"]):
    def in_force(self) -> MembershipQuerySet:
        """Memberships that still give access: an ended one (``valid_until`` passed) gives none."""
        return self.filter(
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=timezone.localdate())
        )


@pghistory.track()
class Membership(models.Model):
    """A user's role in an organisation. A user may hold several (e.g. frivårdsinspektör and
    inslussningssamordnare, or work for two socialnämnder)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("användare"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("roll"), max_length=30, choices=Role.choices)
    valid_until = models.DateField(_("giltig till"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("medlemskap")
        verbose_name_plural = _("medlemskap")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role_per_org"
            )
        ]
        indexes = [models.Index(fields=["organisation", "role"], name="membership_org_role_idx")]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}, {self.organisation}"

    @property
    def in_force(self) -> bool:
        return self.valid_until is None or self.valid_until >= timezone.localdate()

    def clean(self) -> None:
        if self.organisation_id and self.role not in ROLES_BY_KIND[self.organisation.kind]:
            raise ValidationError({"role": _("Rollen finns inte i den här typen av organisation.")})
