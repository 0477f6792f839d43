"""The inslussning state diagram (Mermaid) generated from the transitions, for
docs/inslussning.md; a test fails when the document is out of date."""

from __future__ import annotations

from cases.states import INITIAL_STATE, STATES_BY_TYPE, CaseType, State
from inslussning.workflow import Inslussning, is_frivard, is_kriminalvarden, is_programme_staff

_WHO = {
    is_frivard: "frivården",
    is_kriminalvarden: "Kriminalvården",
    is_programme_staff: "kommunen eller Kriminalvården",
}


def mermaid() -> str:
    arrows = set()
    for transition in Inslussning.get_all_state_transitions(Inslussning()):
        label = f"{transition.custom['label']} ({_WHO[transition.permission]})"
        arrows.add(f"    {transition.source} --> {transition.target}: {label}")
    states = [State(s) for s in STATES_BY_TYPE[CaseType.INSLUSSNING]]
    return "\n".join(
        [
            "stateDiagram-v2",
            f"    [*] --> {INITIAL_STATE[CaseType.INSLUSSNING]}",
            *[f"    {s.value}: {s.label}" for s in states],
            *sorted(arrows),
            "    avslutad --> [*]",
            "    avbruten --> [*]",
        ]
    )
