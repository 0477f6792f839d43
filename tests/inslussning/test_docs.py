from pathlib import Path

from inslussning.diagram import mermaid

DOC = Path(__file__).resolve().parents[2] / "docs" / "inslussning.md"


def test_the_state_diagram_in_the_docs_matches_the_code() -> None:
    assert f"```mermaid\n{mermaid()}\n```" in DOC.read_text(encoding="utf-8")
