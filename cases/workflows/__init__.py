"""The workflows of each case type as django-fsm transitions on proxy models of ``Case``.

A transition names the role and organisation the guideline gives the step (``permission=``) and
the facts that must be recorded first (``conditions=``). Services in ``cases.services.care``
are the only callers."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cases.models import Case


def workflow_model(case_type: str) -> type[Case]:
    """The proxy model carrying the transitions of ``case_type``."""
    from cases.workflows.kontraktsvard import Kontraktsvard
    from cases.workflows.vardvistelse import Vardvistelse

    return {"kontraktsvard": Kontraktsvard, "vardvistelse": Vardvistelse}[case_type]
