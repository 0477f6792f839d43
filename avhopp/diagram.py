"""The avhopparuppdrag state diagram (Mermaid) generated from the transitions, for
docs/avhopp.md; a test fails when the document is out of date."""

from __future__ import annotations

from avhopp import permissions as p
from avhopp.workflow import DefectorAssignment
from cases.states import INITIAL_STATE, STATES_BY_TYPE, CaseType, State

_WHO = {
    p.is_home_kommun: "hemkommunen",
    p.is_receiving_kommun: "mottagande kommun",
    p.either_kommun: "båda kommunerna",
    p.system_only: "automatiskt",
}


def mermaid() -> str:
    arrows = set()
    for transition in DefectorAssignment.get_all_state_transitions(DefectorAssignment()):
        who = _WHO.get(transition.permission, "automatiskt")
        label = f"{transition.custom['label']} ({who})"
        arrows.add(f"    {transition.source} --> {transition.target}: {label}")
    states = [State(s) for s in STATES_BY_TYPE[CaseType.AVHOPPARUPPDRAG]]
    return "\n".join(
        [
            "stateDiagram-v2",
            f"    [*] --> {INITIAL_STATE[CaseType.AVHOPPARUPPDRAG]}",
            *[f"    {s.value}: {s.label}" for s in states],
            *sorted(arrows),
            "    avslutad --> [*]",
            "    avbruten --> [*]",
        ]
    )
