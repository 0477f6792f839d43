"""cases.rendering: the helpers the long tables' rows are built with."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse

from cases.rendering import path_by_id


@pytest.mark.parametrize(
    "url_name", ["cases:detail", "deadlines:extend", "deadlines:notification_read"]
)
def test_path_by_id_gives_what_reverse_gives(url_name: str) -> None:
    path = path_by_id(url_name)
    for pk in (1, 7, 2_147_483_646, 123456):
        assert path(pk) == reverse(url_name, args=[pk])


def test_path_by_id_refuses_a_url_without_an_id() -> None:
    with pytest.raises(NoReverseMatch):
        path_by_id("cases:my_cases")


def test_path_by_id_takes_only_a_number() -> None:
    with pytest.raises(ValueError):
        path_by_id("cases:detail")("1/../admin")  # type: ignore[arg-type]
