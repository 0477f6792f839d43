"""Organisation kinds and roles (DOMAIN.md §1). One code name per concept."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    KOMMUN = "kommun", _("Kommun (socialnämnd)")
    FRIVARD = "frivard", _("Frivårdskontor")
    ANSTALT = "anstalt", _("Anstalt")
    VARDGIVARE = "vardgivare", _("Vårdgivare")
    ARBETSFORMEDLINGEN = "arbetsformedlingen", _("Arbetsförmedlingen")
    REGION = "region", _("Region (hälso- och sjukvård)")
    CIVILSAMHALLE = "civilsamhalle", _("Civilsamhällesorganisation")
    POLIS = "polis", _("Polisen")


class Role(models.TextChoices):
    SOCIALSEKRETERARE = "socialsekreterare", _("Socialsekreterare")
    ENHETSCHEF = "enhetschef", _("Enhetschef")
    FRIVARDSINSPEKTOR = "frivardsinspektor", _("Frivårdsinspektör")
    KRIMINALVARDSINSPEKTOR = "kriminalvardsinspektor", _("Kriminalvårdsinspektör")
    KLIENTHANDLAGGARE = "klienthandlaggare", _("Klienthandläggare")
    SAMORDNARE = "samordnare", _("Inslussningssamordnare")
    REGISTRATOR = "registrator", _("Registrator")
    SYSTEMFORVALTARE = "systemforvaltare", _("Systemförvaltare")
    EXTERN_DELTAGARE = "extern_deltagare", _("Extern deltagare")


# Which roles an organisation of each kind can give (DOMAIN.md §1).
ROLES_BY_KIND: dict[str, tuple[str, ...]] = {
    OrganisationKind.KOMMUN: (
        Role.SOCIALSEKRETERARE,
        Role.ENHETSCHEF,
        Role.SAMORDNARE,
        Role.REGISTRATOR,
        Role.SYSTEMFORVALTARE,
    ),
    OrganisationKind.FRIVARD: (
        Role.FRIVARDSINSPEKTOR,
        Role.KRIMINALVARDSINSPEKTOR,
        Role.SAMORDNARE,
        Role.REGISTRATOR,
    ),
    OrganisationKind.ANSTALT: (Role.KLIENTHANDLAGGARE, Role.KRIMINALVARDSINSPEKTOR),
    OrganisationKind.VARDGIVARE: (Role.EXTERN_DELTAGARE,),
    OrganisationKind.ARBETSFORMEDLINGEN: (Role.EXTERN_DELTAGARE,),
    OrganisationKind.REGION: (Role.EXTERN_DELTAGARE,),
    OrganisationKind.CIVILSAMHALLE: (Role.EXTERN_DELTAGARE,),
    OrganisationKind.POLIS: (Role.EXTERN_DELTAGARE,),
}

# Chefs see every case their organisation takes part in, the dashboard and the access log.
CHEF_ROLES = frozenset({Role.ENHETSCHEF, Role.KRIMINALVARDSINSPEKTOR})
# Roles that handle cases day to day (may be a case's responsible handläggare).
CASEWORKER_ROLES = frozenset(
    {Role.SOCIALSEKRETERARE, Role.FRIVARDSINSPEKTOR, Role.KLIENTHANDLAGGARE, Role.SAMORDNARE}
)
ADMIN_ROLES = frozenset({Role.REGISTRATOR, Role.SYSTEMFORVALTARE})
# Roles that work with cases at all; systemförvaltare administer users and see no cases.
CASE_ACCESS_ROLES = CASEWORKER_ROLES | CHEF_ROLES | {Role.REGISTRATOR, Role.EXTERN_DELTAGARE}
