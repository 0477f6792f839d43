"""Server-rendered SVG bar charts for the dashboard (no JavaScript, no CDN).

Each bar has its label and its value as text beside it, so no meaning rests on colour; the
chart is an image (``role="img"``) named by its caption, and the same figures are in the
table that follows it, where each number links to the cases behind it."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()

WIDTH = 720
LABEL_WIDTH = 300
VALUE_WIDTH = 80
ROW_HEIGHT = 28
BAR_HEIGHT = 18
MAX_LABEL = 42


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


@register.inclusion_tag("deviations/_bar_chart.html")
def bar_chart(table: Any) -> dict[str, Any]:
    bars = table.bars
    largest = max((bar.value or 0 for bar in bars), default=0) or 1
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    rows = []
    for index, bar in enumerate(bars):
        y = index * ROW_HEIGHT
        width = max(1.0, room * (bar.value or 0) / largest) if bar.value else 0
        rows.append(
            {
                "label": _short(bar.label),
                "display": bar.display,
                "y": y,
                "text_y": y + BAR_HEIGHT - 4,
                "bar_x": LABEL_WIDTH,
                "width": round(width, 1),
                "value_x": LABEL_WIDTH + round(width, 1) + 6,
            }
        )
    return {
        "table": table,
        "rows": rows,
        "width": WIDTH,
        "height": max(ROW_HEIGHT, len(bars) * ROW_HEIGHT),
        "label_x": LABEL_WIDTH - 8,
    }
