"""Streams rows into PostgreSQL with COPY (psycopg 3) in PostgreSQL's text format.

A ``CopyTable`` is built from a Django model and the fields a generator fills; every other
concrete field gets its model default, computed once (so a field added to the model later with a
default does not break the load). Values are formatted here rather than by psycopg's per-value
adaptation, which is several times slower for millions of rows."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.db import connection, models

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
NULL = "\\N"
# About 1 MB per write: large enough to keep the Python side out of the way.
_CHUNK_ROWS = 5000


def text(value: Any) -> str:
    """One value in COPY text format."""
    if value is None:
        return NULL
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False).translate(_ESCAPES)
    return str(value).translate(_ESCAPES)


class CopyTable:
    """COPY into ``model``'s table: ``fields`` (attnames, in the order of the row tuples) and
    the model defaults of the remaining concrete fields."""

    def __init__(self, model: type[models.Model], fields: Sequence[str]) -> None:
        self.model = model
        self.table = model._meta.db_table
        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        unknown = set(fields) - set(by_attname)
        if unknown:
            raise ValueError(f"{self.table}: no such fields {sorted(unknown)}")
        self.columns = [str(by_attname[name].column) for name in fields]
        rest: list[tuple[str, str]] = []
        for name, field in by_attname.items():
            if name in fields:
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                raise ValueError(f"{self.table}.{name} is automatic: the generator must fill it")
            if field.primary_key:
                raise ValueError(f"{self.table}: the generator must give the primary key")
            default = field.get_default()
            if default is None and not field.null:
                raise ValueError(f"{self.table}.{name} has no default: the generator must fill it")
            if isinstance(field, models.JSONField):
                default = json.dumps(default)
            rest.append((str(field.column), text(default)))
        self.columns += [column for column, _ in rest]
        self.suffix = "".join("\t" + value for _, value in rest)
        self.rows = 0

    def load(self, rows: Iterable[Sequence[Any]]) -> int:
        """COPY the rows; returns how many."""
        connection.ensure_connection()
        raw = connection.connection
        assert raw is not None
        quoted = ", ".join(f'"{column}"' for column in self.columns)
        count = 0
        with (
            raw.cursor() as cursor,
            cursor.copy(f'COPY "{self.table}" ({quoted}) FROM STDIN') as copy,
        ):
            buffer: list[str] = []
            suffix = self.suffix
            for row in rows:
                buffer.append("\t".join(map(text, row)) + suffix + "\n")
                if len(buffer) >= _CHUNK_ROWS:
                    copy.write("".join(buffer))
                    count += len(buffer)
                    buffer.clear()
            if buffer:
                copy.write("".join(buffer))
                count += len(buffer)
        self.rows += count
        return count


def next_ids(model: type[models.Model]) -> int:
    """The first free primary key of ``model``'s table (rows are loaded with explicit ids)."""
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT coalesce(max("{column}"), 0) + 1 FROM "{table}"')  # noqa: S608
        return int(cursor.fetchone()[0])


def bump_sequence(model: type[models.Model]) -> None:
    """Move the id sequence past the loaded rows (never backwards)."""
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
        sequence = cursor.fetchone()[0]
        if sequence is None:
            return
        cursor.execute(f"SELECT last_value FROM {sequence}")  # noqa: S608 - from the catalogue
        last_value = int(cursor.fetchone()[0])
        cursor.execute(f'SELECT coalesce(max("{column}"), 0) FROM "{table}"')  # noqa: S608
        highest = int(cursor.fetchone()[0])
        if highest > last_value:
            cursor.execute("SELECT setval(%s, %s)", [sequence, highest])
