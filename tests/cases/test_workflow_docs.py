from pathlib import Path

from cases.workflows.diagram import document

DOC = Path(__file__).resolve().parents[2] / "docs" / "workflows.md"


def test_workflow_diagrams_in_the_docs_match_the_code() -> None:
    # Regenerate with `python manage.py workflow_diagrams` after changing a transition.
    assert DOC.read_text(encoding="utf-8") == document()


def test_every_kontraktsvard_step_of_the_guideline_is_in_the_diagram() -> None:
    text = document()
    for state in (
        "initierad",
        "samtycke",
        "ansokan",
        "utredning",
        "beslutat",
        "vardgivare_foreslagen",
        "behandlingsplan",
        "dom",
        "kv_betalningsansvar",
        "kommun_betalningsansvar",
        "avslutad",
        "avbruten",
        "aktualiserad",
        "ansvarsforbindelse_skickad",
        "placering",
        "efter_vf",
    ):
        assert f"    {state}: " in text
