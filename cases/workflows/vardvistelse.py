"""Vårdvistelse (000, "Arbetsprocess vårdvistelser"; 004; DOMAIN.md §3.2): an
utslussningsåtgärd during a prison sentence, before villkorlig frigivning (VF)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, transition

from cases.models import Case
from cases.states import CLOSED_STATES, STATES_BY_TYPE, State
from cases.workflows import common as c
from cases.workflows.kontraktsvard import system_only

ACTIVE = [s for s in STATES_BY_TYPE["vardvistelse"] if s not in CLOSED_STATES]


class Vardvistelse(Case):
    class Meta:
        proxy = True

    @transition(
        field="state",
        source=State.AKTUALISERAD,
        target=State.SAMTYCKE,
        conditions=[c.consent_covers_both_parties],
        permission=c.either_party,
        custom={"label": _("Samtycke dokumenterat")},
    )
    def confirm_consent(self) -> None:
        """000: "Sekretessblankett fylls i och delges den andra parten." Automatic."""

    @transition(
        field="state",
        source=State.SAMTYCKE,
        target=State.ANSOKAN,
        conditions=[c.consent_covers_both_parties],
        permission=c.is_kommun,
        custom={"label": _("Registrera ansökan"), "form": "application"},
    )
    def register_application(self) -> None:
        """000: the client applies for bistånd in the form of an ansvarsförbindelse."""

    @transition(
        field="state",
        source=State.ANSOKAN,
        target=State.UTREDNING,
        conditions=[c.consent_covers_both_parties, c.application_registered],
        permission=c.is_kommun,
        custom={"label": _("Starta utredning"), "form": "confirm"},
    )
    def start_investigation(self) -> None:
        """000: "Kommunen utreder skyndsamt efter tillgängligt underlag från Kriminalvården"."""

    @transition(
        field="state",
        source=State.UTREDNING,
        target=State.VARDGIVARE_FORESLAGEN,
        conditions=[c.consent_covers_both_parties, c.care_provider_chosen],
        permission=c.is_kriminalvarden,
        custom={
            "label": _("Föreslå vårdgivare"),
            "form": "care_provider",
            "provides": [c.care_provider_chosen],
        },
    )
    def propose_care_provider(self) -> None:
        """000: "Kriminalvården föreslår lämpliga vårdgivare efter samråd med socialtjänsten"."""

    @transition(
        field="state",
        source=State.VARDGIVARE_FORESLAGEN,
        target=RETURN_VALUE(State.BESLUTAT, State.AVSLUTAD),
        conditions=[c.consent_covers_both_parties],
        permission=c.is_kommun,
        custom={"label": _("Registrera beslut"), "form": "decision"},
    )
    def record_decision(self) -> str:
        return State.BESLUTAT if c.care(self).decision == "beviljat" else State.AVSLUTAD

    @transition(
        field="state",
        source=State.BESLUTAT,
        target=State.ANSVARSFORBINDELSE_SKICKAD,
        conditions=[c.consent_covers_both_parties, c.decision_granted, c.commitment_sent],
        permission=c.is_kommun,
        custom={
            "label": _("Ansvarsförbindelsen skickad"),
            "form": "commitment",
            "provides": [c.commitment_sent],
        },
    )
    def send_commitment(self) -> None:
        """000: "Kommunen skriver under ansvarsförbindelse och skickar till ... anstalten"."""

    @transition(
        field="state",
        source=State.ANSVARSFORBINDELSE_SKICKAD,
        target=State.PLACERING,
        conditions=[c.consent_covers_both_parties, c.conditional_release_known],
        permission=c.is_kriminalvarden,
        custom={
            "label": _("Registrera placeringsstart"),
            "form": "placement_vv",
            "provides": [c.conditional_release_known],
        },
    )
    def start_placement(self) -> None:
        """Kriminalvården has the main and payment responsibility until the VF date (000)."""

    @transition(
        field="state",
        source=State.PLACERING,
        target=State.EFTER_VF,
        conditions=[c.transfer_date_reached],
        permission=system_only,
        custom={"label": _("Ansvaret övergår till kommunen vid villkorlig frigivning")},
    )
    def transfer_to_kommun(self) -> None:
        """DOMAIN step 9: automatic on the VF date; the care is no longer court-bound."""

    @transition(
        field="state",
        source=State.EFTER_VF,
        target=State.AVSLUTAD,
        permission=c.is_kommun,
        custom={"label": _("Avsluta ärendet"), "form": "close"},
    )
    def close(self) -> None:
        """The kommun ends the case after VF."""

    @transition(
        field="state",
        source=ACTIVE,
        target=State.AVBRUTEN,
        permission=c.either_party,
        custom={"label": _("Avbryt ärendet"), "form": "abort"},
    )
    def abort(self) -> None:
        """Early ending from any active state, with a reason."""
