"""The target-group rule (001 § 7) as a pure function of the five answers and an override."""

from __future__ import annotations

import pytest

from inslussning.models import Criterion, Programme
from inslussning.rules import failed_criteria, target_group_satisfied


def _programme(override: str = "", **answers: bool) -> Programme:
    return Programme(
        **{c.value: answers.get(c.value, True) for c in Criterion}, override_reason=override
    )


def test_every_criterion_met_includes() -> None:
    assert failed_criteria(_programme()) == [] and target_group_satisfied(_programme())


@pytest.mark.parametrize("criterion", list(Criterion))
def test_any_single_failed_criterion_blocks(criterion: Criterion) -> None:
    programme = _programme(**{criterion.value: False})
    assert failed_criteria(programme) == [criterion]
    assert not target_group_satisfied(programme)


def test_a_chefs_reason_overrides_but_blank_words_do_not() -> None:
    assert not target_group_satisfied(_programme("   ", motivated=False))
    assert target_group_satisfied(_programme("Beslut av enhetschef efter samråd.", motivated=False))
