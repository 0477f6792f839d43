"""Kontraktsvård (000, "Arbetsprocess kontraktsvård"; DOMAIN.md §3.1): skyddstillsyn med
särskild behandlingsplan, 28 kap. 6 a § BrB."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, transition

from cases.models import Case
from cases.states import CLOSED_STATES, STATES_BY_TYPE, State
from cases.workflows import common as c

ACTIVE = [s for s in STATES_BY_TYPE["kontraktsvard"] if s not in CLOSED_STATES]


def system_only(case: Any, user: Any) -> bool:
    """Date-driven steps are taken by the scheduled task, never by a person."""
    return False


class Kontraktsvard(Case):
    class Meta:
        proxy = True

    @transition(
        field="state",
        source=State.INITIERAD,
        target=State.SAMTYCKE,
        conditions=[c.consent_covers_both_parties],
        permission=c.either_party,
        custom={"label": _("Samtycke dokumenterat")},
    )
    def confirm_consent(self) -> None:
        """Taken automatically when a consent covering both parties is documented."""

    @transition(
        field="state",
        source=State.SAMTYCKE,
        target=State.ANSOKAN,
        conditions=[c.consent_covers_both_parties],
        permission=c.is_kommun,
        custom={"label": _("Registrera ansökan"), "form": "application"},
    )
    def register_application(self) -> None:
        """000: the client applies to socialtjänsten for bistånd (ansvarsförbindelse)."""

    @transition(
        field="state",
        source=State.ANSOKAN,
        target=State.UTREDNING,
        conditions=[c.consent_covers_both_parties, c.application_registered],
        permission=c.is_kommun,
        custom={"label": _("Starta utredning"), "form": "confirm"},
    )
    def start_investigation(self) -> None:
        """000: kommun and frivård investigate in parallel; frivården shares underlag."""

    @transition(
        field="state",
        source=State.UTREDNING,
        target=RETURN_VALUE(State.BESLUTAT, State.AVSLUTAD),
        conditions=[c.consent_covers_both_parties],
        permission=c.is_kommun,
        custom={"label": _("Registrera beslut"), "form": "decision"},
    )
    def record_decision(self) -> str:
        """Avslag ends the case; a new application starts a new case."""
        return State.BESLUTAT if c.care(self).decision == "beviljat" else State.AVSLUTAD

    @transition(
        field="state",
        source=State.BESLUTAT,
        target=State.VARDGIVARE_FORESLAGEN,
        conditions=[c.consent_covers_both_parties, c.decision_granted, c.care_provider_chosen],
        permission=c.is_frivard,
        custom={
            "label": _("Föreslå vårdgivare"),
            "form": "care_provider",
            "provides": [c.care_provider_chosen],
        },
    )
    def propose_care_provider(self) -> None:
        """000: frivården proposes a vårdgivare in consultation with the kommun."""

    @transition(
        field="state",
        source=State.VARDGIVARE_FORESLAGEN,
        target=State.BEHANDLINGSPLAN,
        conditions=[c.consent_covers_both_parties, c.treatment_plan_registered],
        permission=c.is_frivard,
        custom={
            "label": _("Registrera behandlingsplan"),
            "form": "treatment_plan",
            "provides": [c.treatment_plan_registered],
        },
    )
    def register_treatment_plan(self) -> None:
        """000: "När ansvarsförbindelse har beviljats upprättar frivården en behandlingsplan"."""

    @transition(
        field="state",
        source=State.BEHANDLINGSPLAN,
        target=RETURN_VALUE(State.DOM, State.AVSLUTAD),
        conditions=[c.consent_covers_both_parties],
        permission=c.is_frivard,
        custom={"label": _("Registrera dom"), "form": "judgment"},
    )
    def register_judgment(self) -> str:
        """Another påföljd than kontraktsvård ends the case."""
        return State.DOM if c.care(self).pafoljd == "kontraktsvard" else State.AVSLUTAD

    @transition(
        field="state",
        source=State.DOM,
        target=State.KV_BETALNINGSANSVAR,
        conditions=[
            c.consent_covers_both_parties,
            c.judgment_is_kontraktsvard,
            c.payment_end_known,
        ],
        permission=c.is_frivard,
        custom={
            "label": _("Registrera placeringsstart"),
            "form": "placement_kv",
            "provides": [c.payment_end_known],
        },
    )
    def start_enforcement(self) -> None:
        """Kriminalvården has the main and the payment responsibility until two thirds of the
        alternative term have passed (000)."""

    @transition(
        field="state",
        source=State.KV_BETALNINGSANSVAR,
        target=State.KOMMUN_BETALNINGSANSVAR,
        conditions=[c.transfer_date_reached],
        permission=system_only,
        custom={"label": _("Betalningsansvaret övergår till kommunen")},
    )
    def transfer_to_kommun(self) -> None:
        """DOMAIN step 10: automatic on the day after Kriminalvården's payment end."""

    @transition(
        field="state",
        source=State.KOMMUN_BETALNINGSANSVAR,
        target=State.AVSLUTAD,
        permission=c.is_kommun,
        custom={"label": _("Avsluta ärendet"), "form": "close"},
    )
    def close(self) -> None:
        """The kommun coordinates follow-up after the transfer and ends the case."""

    @transition(
        field="state",
        source=ACTIVE,
        target=State.AVBRUTEN,
        permission=c.either_party,
        custom={"label": _("Avbryt ärendet"), "form": "abort"},
    )
    def abort(self) -> None:
        """Early ending from any active state, with a reason (DOMAIN step 11)."""
