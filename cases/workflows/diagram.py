"""Mermaid state diagrams generated from the transitions in code, so the documentation cannot
drift from the workflows (docs/workflows.md; a test compares the two)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cases.states import State
from cases.workflows import common

# Who may take a step, named for the reader (the permission callables of the transitions).
_WHO = {
    common.is_kommun: "kommunen",
    common.is_frivard: "frivården",
    common.is_kriminalvarden: "Kriminalvården",
    common.either_party: "båda parter",
}


def _who(permission: object) -> str:
    if permission is None:
        return "automatiskt"
    return _WHO.get(permission, "automatiskt på datumet")  # type: ignore[call-overload]


def mermaid(model: type) -> str:
    arrows = []
    seen = set()
    for transition in model.get_all_state_transitions(model()):  # type: ignore[attr-defined]
        targets = getattr(transition.target, "allowed_states", None) or [transition.target]
        for target in targets:
            key = (transition.source, target, transition.name)
            if key in seen:
                continue
            seen.add(key)
            label = (
                f"{transition.custom.get('label', transition.name)} ({_who(transition.permission)})"
            )
            arrows.append(f"    {transition.source} --> {target}: {label}")
    states = sorted({s for key in seen for s in key[:2]}, key=lambda s: list(State).index(s))
    names = [f"    {s}: {State(s).label}" for s in states]
    return "\n".join(
        [
            "stateDiagram-v2",
            f"    [*] --> {_initial(model)}",
            *names,
            *sorted(arrows),
            "    avslutad --> [*]",
            "    avbruten --> [*]",
        ]
    )


def type_diagram(model: type, case_type: str, who: Mapping[Any, str]) -> str:
    """The diagram of a case type whose steps each have one target (avhopparuppdrag,
    inslussning): every state of the type in order, each arrow naming who may take the step
    (``who`` maps the permission callables; anything else is automatic)."""
    from cases.states import INITIAL_STATE, STATES_BY_TYPE

    arrows = set()
    for transition in model.get_all_state_transitions(model()):  # type: ignore[attr-defined]
        label = f"{transition.custom['label']} ({who.get(transition.permission, 'automatiskt')})"
        arrows.add(f"    {transition.source} --> {transition.target}: {label}")
    states = [State(s) for s in STATES_BY_TYPE[case_type]]
    return "\n".join(
        [
            "stateDiagram-v2",
            f"    [*] --> {INITIAL_STATE[case_type]}",
            *[f"    {s.value}: {s.label}" for s in states],
            *sorted(arrows),
            "    avslutad --> [*]",
            "    avbruten --> [*]",
        ]
    )


def _initial(model: type) -> str:
    from cases.states import INITIAL_STATE

    return {
        "Kontraktsvard": INITIAL_STATE["kontraktsvard"],
        "Vardvistelse": INITIAL_STATE["vardvistelse"],
    }[model.__name__]


def document() -> str:
    from cases.workflows.kontraktsvard import Kontraktsvard
    from cases.workflows.vardvistelse import Vardvistelse

    parts = [
        "# Workflows",
        "",
        "Generated from the transitions in `cases/workflows/` by "
        "`python manage.py workflow_diagrams`; a test fails when this file is out of date.",
        "Each arrow names the step and who may take it (the organisation the guideline 000 names).",
        "",
    ]
    for title, model in (("Kontraktsvård", Kontraktsvard), ("Vårdvistelse", Vardvistelse)):
        parts += [f"## {title}", "", "```mermaid", mermaid(model), "```", ""]
    return "\n".join(parts)
