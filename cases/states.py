"""Case types and the states of each type's workflow (DOMAIN.md §3).

The transitions (who may move a case, under which conditions) live on the type-specific models
added by the workflow issues; the base ``Case.state`` column holds the value so that lists,
filters and the dashboard can work across types in one query."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseType(models.TextChoices):
    KONTRAKTSVARD = "kontraktsvard", _("Kontraktsvård")
    VARDVISTELSE = "vardvistelse", _("Vårdvistelse")
    INSLUSSNING = "inslussning", _("Inslussning")
    AVHOPPARUPPDRAG = "avhopparuppdrag", _("Avhopparuppdrag")


# The prefix of each type's reference number ("KV-2026-00042").
REFERENCE_PREFIX: dict[str, str] = {
    CaseType.KONTRAKTSVARD: "KV",
    CaseType.VARDVISTELSE: "VV",
    CaseType.INSLUSSNING: "IN",
    CaseType.AVHOPPARUPPDRAG: "AU",
}


class State(models.TextChoices):
    # Kontraktsvård (000, "Arbetsprocess kontraktsvård"), steps 1-11.
    INITIERAD = "initierad", _("Initierad")
    SAMTYCKE = "samtycke", _("Samtycke dokumenterat")
    ANSOKAN = "ansokan", _("Ansökan inkommen")
    UTREDNING = "utredning", _("Utredning")
    BESLUTAT = "beslutat", _("Beslut fattat")
    VARDGIVARE_FORESLAGEN = "vardgivare_foreslagen", _("Vårdgivare föreslagen")
    BEHANDLINGSPLAN = "behandlingsplan", _("Behandlingsplan upprättad")
    DOM = "dom", _("Dom meddelad")
    KV_BETALNINGSANSVAR = "kv_betalningsansvar", _("Kriminalvårdens betalningsansvar")
    KOMMUN_BETALNINGSANSVAR = "kommun_betalningsansvar", _("Kommunens betalningsansvar")
    # Vårdvistelse (000, "Arbetsprocess vårdvistelser").
    AKTUALISERAD = "aktualiserad", _("Aktualiserad")
    ANSVARSFORBINDELSE_SKICKAD = "ansvarsforbindelse_skickad", _("Ansvarsförbindelse skickad")
    PLACERING = "placering", _("Placering, Kriminalvårdens ansvar")
    EFTER_VF = "efter_vf", _("Efter villkorlig frigivning")
    # Inslussning (001 §§ 7-11).
    IDENTIFIERAD = "identifierad", _("Identifierad")
    PLANERING = "planering", _("Planering under verkställighet")
    INFOR_FRIGIVNING = "infor_frigivning", _("Inför frigivning")
    FRIGIVEN = "frigiven", _("Frigiven, övervakning")
    INFOR_AVSLUT = "infor_avslut", _("Inför avslut")
    # Avhopparuppdrag (003).
    FORFRAGAN = "forfragan", _("Förfrågan")
    SAMRAD = "samrad", _("Samråd")
    ACCEPTERAT = "accepterat", _("Accepterat")
    GENOMFORANDE = "genomforande", _("Genomförande")
    # Shared end states.
    AVSLUTAD = "avslutad", _("Avslutad")
    AVBRUTEN = "avbruten", _("Avbrutet")


INITIAL_STATE: dict[str, str] = {
    CaseType.KONTRAKTSVARD: State.INITIERAD,
    CaseType.VARDVISTELSE: State.AKTUALISERAD,
    CaseType.INSLUSSNING: State.IDENTIFIERAD,
    CaseType.AVHOPPARUPPDRAG: State.FORFRAGAN,
}

CLOSED_STATES = frozenset({State.AVSLUTAD, State.AVBRUTEN})

# The order in which each type's states appear in filters and on the case page.
STATES_BY_TYPE: dict[str, tuple[str, ...]] = {
    CaseType.KONTRAKTSVARD: (
        State.INITIERAD,
        State.SAMTYCKE,
        State.ANSOKAN,
        State.UTREDNING,
        State.BESLUTAT,
        State.VARDGIVARE_FORESLAGEN,
        State.BEHANDLINGSPLAN,
        State.DOM,
        State.KV_BETALNINGSANSVAR,
        State.KOMMUN_BETALNINGSANSVAR,
        State.AVSLUTAD,
        State.AVBRUTEN,
    ),
    CaseType.VARDVISTELSE: (
        State.AKTUALISERAD,
        State.SAMTYCKE,
        State.ANSOKAN,
        State.UTREDNING,
        State.VARDGIVARE_FORESLAGEN,
        State.BESLUTAT,
        State.ANSVARSFORBINDELSE_SKICKAD,
        State.PLACERING,
        State.EFTER_VF,
        State.AVSLUTAD,
        State.AVBRUTEN,
    ),
    CaseType.INSLUSSNING: (
        State.IDENTIFIERAD,
        State.SAMTYCKE,
        State.PLANERING,
        State.INFOR_FRIGIVNING,
        State.FRIGIVEN,
        State.INFOR_AVSLUT,
        State.AVSLUTAD,
        State.AVBRUTEN,
    ),
    CaseType.AVHOPPARUPPDRAG: (
        State.FORFRAGAN,
        State.SAMRAD,
        State.ACCEPTERAT,
        State.GENOMFORANDE,
        State.AVSLUTAD,
        State.AVBRUTEN,
    ),
}
