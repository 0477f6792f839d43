"""The avhopparuppdrag state diagram (Mermaid) generated from the transitions, for
docs/avhopp.md; a test fails when the document is out of date."""

from __future__ import annotations

from avhopp import permissions as p
from avhopp.workflow import DefectorAssignment
from cases.states import CaseType
from cases.workflows.diagram import type_diagram

_WHO = {
    p.is_home_kommun: "hemkommunen",
    p.is_receiving_kommun: "mottagande kommun",
    p.either_kommun: "båda kommunerna",
    p.system_only: "automatiskt",
}


def mermaid() -> str:
    return type_diagram(DefectorAssignment, CaseType.AVHOPPARUPPDRAG, _WHO)
