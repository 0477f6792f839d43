"""CSV and XLSX files of the dashboard's tables, the deviation list and the statistics for the
follow-up of the guideline. They carry case references and codes, never a client's name or
personnummer, and never the free-text description (which may hold personal data).

The XLSX is written with the standard library: a zip of a minimal SpreadsheetML package
(content types, relationships, workbook, one worksheet with inline strings). No dependency
for a file this simple."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case
from deviations.models import Deviation, DeviationKind, DeviationStatus, Outcome
from deviations.selectors import Period

# A cell starting with one of these is a formula to Excel: keep it text.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    text = str(value)
    return f"'{text}" if text.startswith(_FORMULA_PREFIXES) else text


def to_csv(rows: Iterable[Sequence[Any]]) -> bytes:
    """Semicolon-separated UTF-8 with a byte order mark: what Excel with a Swedish locale
    opens correctly (å, ä, ö; the semicolon is its list separator)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    for row in rows:
        writer.writerow(
            [str(v).replace(".", ",") if isinstance(v, float) else _text(v) for v in row]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _sheet_xml(rows: Iterable[Sequence[Any]]) -> str:
    lines = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(row):
            ref = f"{_column(c)}{r}"
            if isinstance(value, bool) or not isinstance(value, int | float):
                text = escape(_text(value))
                cells.append(
                    f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
                )
            else:
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
        lines.append(f'<row r="{r}">{"".join(cells)}</row>')
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{''.join(lines)}</sheetData></worksheet>"
    )


def to_xlsx(rows: Iterable[Sequence[Any]], *, sheet_name: str = "Blad1") -> bytes:
    sheet_name = escape(sheet_name[:31])
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<sheets><sheet name="{sheet_name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": _sheet_xml(rows),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


# --- The deviation list and the statistics -------------------------------------------------


def deviation_list_rows(cases: QuerySet[Case], period: Period) -> list[list[Any]]:
    """Deviations reported in the period on the scope's cases: the case reference, codes and
    dates. No description, no outcome text, no client."""
    rows: list[list[Any]] = [
        [
            _("Ärende"),
            _("Typ"),
            _("Allvarlighetsgrad"),
            _("Datum för avvikelsen"),
            _("Rapporterad"),
            _("Rapporterande organisation"),
            _("Andra parten informerad"),
            _("Hur"),
            _("Status"),
            _("Utfall"),
            _("Stängd"),
            _("Åtgärder"),
            _("Klara åtgärder"),
        ]
    ]
    deviations = (
        Deviation.objects.filter(
            case_id__in=cases.values("pk"),
            reported_at__date__gte=period.start,
            reported_at__date__lt=period.end_exclusive,
        )
        .select_related("case", "organisation")
        .annotate(n_actions=Count("actions"), n_done=Count("actions__done_at"))
        .order_by("reported_at", "pk")
    )
    for d in deviations:
        rows.append(
            [
                d.case.reference,
                d.get_kind_display(),
                d.get_severity_display(),
                d.occurred_on,
                d.reported_at,
                d.organisation.short_name or d.organisation.name,
                d.other_party_informed_at,
                d.get_informed_how_display() if d.informed_how else "",
                d.get_status_display(),
                d.get_outcome_kind_display() if d.outcome_kind else "",
                d.closed_at,
                d.n_actions,
                d.n_done,
            ]
        )
    return rows


def statistics_rows(cases: QuerySet[Case], period: Period) -> list[list[Any]]:
    """Counts per month, kind, status and outcome: the follow-up of the guideline, with no
    personal data (no case reference either)."""
    rows: list[list[Any]] = [[_("Månad"), _("Typ"), _("Status"), _("Utfall"), _("Antal")]]
    counts = (
        Deviation.objects.filter(
            case_id__in=cases.values("pk"),
            reported_at__date__gte=period.start,
            reported_at__date__lt=period.end_exclusive,
        )
        .annotate(month=TruncMonth("reported_at"))
        .values("month", "kind", "status", "outcome_kind")
        .annotate(n=Count("id"))
        .order_by("month", "kind", "status", "outcome_kind")
    )
    for row in counts:
        rows.append(
            [
                f"{timezone.localtime(row['month']):%Y-%m}",
                str(DeviationKind(row["kind"]).label),
                str(DeviationStatus(row["status"]).label),
                str(Outcome(row["outcome_kind"]).label) if row["outcome_kind"] else "",
                row["n"],
            ]
        )
    return rows
