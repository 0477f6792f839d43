from __future__ import annotations

import pghistory
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from cases.personnummer import IdentityNumber, IdKind

# What is shown instead of a protected client's identity (DOMAIN.md §2).
MASKED_NAME = _("Skyddad identitet")


@pghistory.track()
class Client(models.Model):
    """Klient. Identified by personnummer, samordningsnummer or a reservnummer.

    ``id_number`` is the canonical form: 12 digits with century for personnummer and
    samordningsnummer (never the 10-digit form, whose century is ambiguous), the typed string for
    a reservnummer."""

    id_kind = models.CharField(
        _("typ av nummer"),
        max_length=20,
        choices=[(kind.value, kind.value.capitalize()) for kind in IdKind],
        default=IdKind.PERSONNUMMER.value,
    )
    id_number = models.CharField(_("personnummer"), max_length=20)
    first_name = models.CharField(_("förnamn"), max_length=100)
    last_name = models.CharField(_("efternamn"), max_length=100)
    address = models.CharField(_("adress"), max_length=200, blank=True)
    folkbokforingskommun = models.CharField(_("folkbokföringskommun"), max_length=100, blank=True)
    # Skyddade personuppgifter: name, address and number are shown only to users explicitly
    # granted `view_protected_identity` on this client (guardian, ClientUserObjectPermission).
    protected_identity = models.BooleanField(_("skyddade personuppgifter"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("klient")
        verbose_name_plural = _("klienter")
        constraints = [
            models.UniqueConstraint(fields=["id_kind", "id_number"], name="client_unique_id_number")
        ]
        permissions = [("view_protected_identity", "Får se skyddade personuppgifter")]
        indexes = [
            # Search by personnummer: the unique constraint leads with id_kind and cannot serve
            # a lookup on the number alone (docs/performance.md).
            models.Index(fields=["id_number"], name="client_id_number_idx"),
            # Search by name is icontains (UPPER(col) LIKE UPPER('%term%')): trigram indexes
            # on the same expressions (pg_trgm, migration 0008).
            GinIndex(
                OpClass(Upper("first_name"), name="gin_trgm_ops"), name="client_first_name_trgm_idx"
            ),
            GinIndex(
                OpClass(Upper("last_name"), name="gin_trgm_ops"), name="client_last_name_trgm_idx"
            ),
        ]

    def __str__(self) -> str:
        # Deliberately not the name: str() ends up in logs, admin messages and error reports.
        return f"Klient {self.pk}"

    @property
    def identity(self) -> IdentityNumber:
        return IdentityNumber(kind=IdKind(self.id_kind), value=self.id_number)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class ClientUserObjectPermission(UserObjectPermissionBase):
    """Direct-FK guardian grant (indexable, unlike the generic table)."""

    content_object = models.ForeignKey(Client, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        indexes = [models.Index(fields=["content_object", "user"], name="client_perm_obj_user_idx")]
