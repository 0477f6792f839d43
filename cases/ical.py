"""A minimal iCalendar (RFC 5545) writer for the deadline feed: all-day events only.

Written here rather than with a library because the feed needs four properties and the three
rules that make a file valid: CRLF line endings (§3.1), lines folded at 75 octets (§3.1, never
inside a UTF-8 character), and TEXT values escaped (§3.3.11)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

CRLF = "\r\n"
MAX_OCTETS = 75


@dataclass(frozen=True)
class AllDayEvent:
    uid: str
    day: date
    summary: str
    url: str


def escape_text(value: str) -> str:
    """RFC 5545 §3.3.11: backslash, semicolon and comma are escaped; newlines become \\n."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """RFC 5545 §3.1: a line longer than 75 octets continues on the next line after CRLF and
    one space. The limit counts octets of the UTF-8 encoding (the space included on each
    continuation line), and a multi-octet character is never split."""
    parts: list[str] = []
    current = ""
    current_octets = 0
    limit = MAX_OCTETS
    for char in line:
        size = len(char.encode("utf-8"))
        if current_octets + size > limit:
            parts.append(current)
            current, current_octets = "", 0
            limit = MAX_OCTETS - 1  # the leading space of a continuation line
        current += char
        current_octets += size
    parts.append(current)
    return (CRLF + " ").join(parts)


def _date(value: date) -> str:
    return f"{value:%Y%m%d}"


def calendar(*, name: str, events: Iterable[AllDayEvent], now: datetime) -> str:
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Brygga//Frister//SV",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{stamp}",
            # An all-day event: DTEND is the next day, exclusive (§3.6.1).
            f"DTSTART;VALUE=DATE:{_date(event.day)}",
            f"DTEND;VALUE=DATE:{_date(event.day + timedelta(days=1))}",
            f"SUMMARY:{escape_text(event.summary)}",
            f"URL;VALUE=URI:{event.url}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)
