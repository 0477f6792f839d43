"""The inslussning state diagram (Mermaid) generated from the transitions, for
docs/inslussning.md; a test fails when the document is out of date."""

from __future__ import annotations

from cases.states import CaseType
from cases.workflows.diagram import type_diagram
from inslussning.workflow import Inslussning, is_frivard, is_kriminalvarden, is_programme_staff

_WHO = {
    is_frivard: "frivården",
    is_kriminalvarden: "Kriminalvården",
    is_programme_staff: "kommunen eller Kriminalvården",
}


def mermaid() -> str:
    return type_diagram(Inslussning, CaseType.INSLUSSNING, _WHO)
