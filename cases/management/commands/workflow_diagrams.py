from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from cases.workflows.diagram import document

TARGET = Path(settings.BASE_DIR) / "docs" / "workflows.md"


class Command(BaseCommand):
    help = "Write docs/workflows.md (Mermaid state diagrams) from the workflow transitions."

    def handle(self, *args: Any, **options: Any) -> None:
        TARGET.write_text(document(), encoding="utf-8")
        self.stdout.write(f"Skrev {TARGET.relative_to(settings.BASE_DIR)}")
