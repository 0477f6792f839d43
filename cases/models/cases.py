from __future__ import annotations

from typing import TYPE_CHECKING

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField
from guardian.models import UserObjectPermissionBase

from cases.models import access_rule
from cases.models.clients import Client
from cases.models.organisations import Organisation, memberships_of
from cases.roles import CASE_ACCESS_ROLES, Role
from cases.states import CaseType, State

if TYPE_CHECKING:
    from accounts.models import User


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, user: User) -> CaseQuerySet:
        """The one access rule (DOMAIN.md §2), as one SQL query.

        A case is visible to a user whose organisation takes part in it. What they see depends on
        the annotations this adds:

        * ``shared_access``: the organisation owns the case, or a consent that has not been
          withdrawn covers it. Without it the user sees only the request itself (type, dates,
          requesting organisation): no name, no personnummer, no journal.
        * ``identity_visible``: the client has no protected identity, or the user holds an
          explicit grant for this client. Applies even with ``shared_access``.

        An extern_deltagare (e.g. Arbetsförmedlingen) sees a case only while consent covers
        their organisation: they have no "request" view.
        """
        if not user.is_authenticated:
            return self.none()
        return self.with_access_rule(user.pk, access_organisations(user))

    def with_access_rule(self, user_id: int, organisations: AccessOrganisations) -> CaseQuerySet:
        """``visible_to`` for the user with this id and these organisations.

        The organisations are the user's memberships in force, read once for the request
        (``access_organisations``) and given to PostgreSQL as values: with a subquery over the
        memberships in each of the rule's four places, it could not know how many cases they
        reach, and hashed every participation of the user's organisations (16 000 rows for a
        busy caseworker) where an index probe per case would do (docs/performance.md).
        Consents, participations and grants are read by the query when it runs, never when it
        is built. The SQL is ``cases.models.access_rule``'s."""
        all_orgs, staff_orgs = organisations
        if not all_orgs:  # no organisation of theirs takes part in anything: no case
            return self.annotate(shared_access=Value(False), identity_visible=Value(False)).none()
        # An extern_deltagare alone has no staff organisation: then only a consent counts.
        return self.annotate(
            shared_access=access_rule.shared_access(all_orgs, staff_orgs),
            identity_visible=access_rule.identity_visible(user_id),
        ).filter(access_rule.visible(user_id, all_orgs, staff_orgs))


# The organisations a user reaches cases through: all of them, and those where they are staff
# (not extern_deltagare, who sees a case only while a consent covers their organisation).
AccessOrganisations = tuple[tuple[int, ...], tuple[int, ...]]


def access_organisations(user: User) -> AccessOrganisations:
    """From the user's memberships in force with a case-access role, as read for this request
    (``cases.models.organisations.memberships_of``)."""
    memberships = [m for m in memberships_of(user) if m.in_force and m.role in CASE_ACCESS_ROLES]
    all_orgs = sorted({m.organisation_id for m in memberships})
    staff_orgs = sorted({m.organisation_id for m in memberships if m.role != Role.EXTERN_DELTAGARE})
    return tuple(all_orgs), tuple(staff_orgs)


class CaseManager(models.Manager.from_queryset(CaseQuerySet)):  # type: ignore[misc]
    def visible_to(self, user: User) -> CaseQuerySet:
        """``Case.objects.visible_to(user)``: the access rule (``CaseQuerySet.visible_to``)."""
        return self.get_queryset().visible_to(user)


@pghistory.track()
class Case(ConcurrentTransitionMixin, models.Model):
    """Ärende. The shared core of every case type; the workflows add their own data and
    transitions on top (DOMAIN.md §3)."""

    case_type = models.CharField(_("ärendetyp"), max_length=20, choices=CaseType.choices)
    reference = models.CharField(_("ärendenummer"), max_length=20, unique=True)
    client = models.ForeignKey(
        Client, verbose_name=_("klient"), on_delete=models.PROTECT, related_name="cases"
    )
    # Changed only through the workflow transitions, never by assignment.
    state = FSMField(_("status"), max_length=40, choices=State.choices, protected=True)
    owner_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("initierande organisation"),
        on_delete=models.PROTECT,
        related_name="owned_cases",
    )
    court = models.CharField(_("domstol"), max_length=100, blank=True)
    malnummer = models.CharField(_("målnummer"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("skapat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("senast ändrat"), auto_now=True)
    closed_at = models.DateTimeField(_("avslutat"), null=True, blank=True)

    objects = CaseManager()

    class Meta:
        verbose_name = _("ärende")
        verbose_name_plural = _("ärenden")
        indexes = [
            models.Index(fields=["-updated_at", "id"], name="case_updated_idx"),
            models.Index(fields=["case_type", "state"], name="case_type_state_idx"),
            models.Index(fields=["malnummer"], name="case_malnummer_idx"),
            # The search matches reference and målnummer with iexact (UPPER(col) = UPPER(%s)):
            # only an index on the same expression serves it (docs/performance.md).
            models.Index(Upper("reference"), name="case_reference_upper_idx"),
            models.Index(Upper("malnummer"), name="case_malnummer_upper_idx"),
        ]
        permissions = [
            ("work_on_assigned_case", "Tilldelad ärendet (krävs för avhopparuppdrag)"),
        ]
        triggers = [
            # Participation.case_updated_at follows the case (see there).
            pgtrigger.Trigger(
                name="case_updated_at_to_participations",
                when=pgtrigger.After,
                operation=pgtrigger.UpdateOf("updated_at"),
                condition=pgtrigger.Condition("OLD.updated_at IS DISTINCT FROM NEW.updated_at"),
                func=(
                    "UPDATE cases_participation SET case_updated_at = NEW.updated_at"
                    " WHERE case_id = NEW.id; RETURN NULL;"
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.reference


# case_updated_at is a copy kept by triggers, not a fact of the participation: no history event.
@pghistory.track(exclude=["case_updated_at"])
class Participation(models.Model):
    """An organisation's part in a case, with its responsible handläggare."""

    class PartRole(models.TextChoices):
        KOMMUN = "kommun", _("Socialtjänst")
        FRIVARD = "frivard", _("Frivård")
        ANSTALT = "anstalt", _("Anstalt")
        VARDGIVARE = "vardgivare", _("Vårdgivare")
        HEMKOMMUN = "hemkommun", _("Hemkommun")
        MOTTAGANDE_KOMMUN = "mottagande_kommun", _("Mottagande kommun")
        EXTERN = "extern", _("Extern deltagare")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="participations")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="participations"
    )
    part_role = models.CharField(_("roll i ärendet"), max_length=20, choices=PartRole.choices)
    handlaggare = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ansvarig handläggare"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participations",
    )
    joined_at = models.DateTimeField(auto_now_add=True)
    # The case's updated_at, kept here by two triggers (this model's and the case's): "Mina
    # ärenden" is ordered by it, and only a column of this table can be in the index that walks
    # one handläggare's cases newest first. Never written by the application.
    case_updated_at = models.DateTimeField(null=True, editable=False)

    class Meta:
        verbose_name = _("deltagande organisation")
        verbose_name_plural = _("deltagande organisationer")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "organisation"], name="participation_unique_org_per_case"
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "case"], name="participation_org_case_idx"),
            models.Index(fields=["handlaggare", "case"], name="participation_handl_case_idx"),
            # "Mina ärenden" newest first: the handläggare's participations in the list's order,
            # so that PostgreSQL reads the first page's rows and stops (docs/performance.md).
            models.Index(
                F("handlaggare"),
                F("case_updated_at").desc(),
                F("case").desc(),
                name="participation_mine_idx",
                condition=Q(handlaggare__isnull=False),
            ),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="participation_case_updated_at",
                when=pgtrigger.Before,
                operation=pgtrigger.Insert | pgtrigger.Update,
                func=(
                    "NEW.case_updated_at := (SELECT updated_at FROM cases_case"
                    " WHERE id = NEW.case_id); RETURN NEW;"
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} i {self.case}"


class ReferenceCounter(models.Model):
    """The last number used per prefix and year, locked when a case is created so that two
    simultaneous requests never get the same reference."""

    prefix = models.CharField(max_length=4)
    year = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="reference_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last_number}"


class CaseUserObjectPermission(UserObjectPermissionBase):
    """Explicit per-user grants on a case (e.g. avhopparuppdrag: only assigned users)."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        indexes = [models.Index(fields=["content_object", "user"], name="case_perm_obj_user_idx")]
