"""Load a synthetic, region-sized data set for `make bench` (DESIGN.md "Performance budgets").

    python manage.py seed_synthetic --cases 150000 [--seed 42] [--scale-from-cases]

150 000 cases come with 100 000 clients, 2 000 000 audit events, 400 000 deadlines, 60
organisations and 1 500 users (plus participations, consents, journal notes, care processes,
access-log entries and notifications); a smaller ``--cases`` scales every count in proportion
(``cases.synthetic.plan``). The same ``--seed`` on an empty database gives the same rows.

Safety: it runs only against a database whose name contains "bench" or "synthetic" (anything
else needs ``--i-know``), and only when that database has no cases (``--force`` first empties
every table the generator writes, with TRUNCATE … CASCADE).

Speed: rows are streamed with COPY in one transaction. Unique and check constraints and the
indexes stay on. The foreign keys of the data tables are dropped before the load and added
again (same names and definitions, from ``pg_get_constraintdef``) before commit: adding a
foreign key validates every row in one join, five times faster than COPY's row-by-row checks,
and the transaction commits only if every key holds. Then the tables are vacuumed and analysed.

Triggers: the append-only triggers on AuditEvent/AccessLog/Note reject UPDATE and DELETE only,
so COPY passes them. The pghistory triggers on Organisation, Membership, Client, Case,
Participation, Consent, CareProcess and JointPlan would write a history row per inserted row;
for the bulk load exactly those AFTER INSERT triggers are disabled inside the load transaction
(``ALTER TABLE … DISABLE TRIGGER <name>``, re-enabled before commit; transactional, so a failed
load leaves them on). We did not use ``SET session_replication_role = replica``: it would also
switch off the foreign-key checks (they are triggers too) and needs a superuser. The synthetic
rows therefore have no history rows, which no page reads."""

from __future__ import annotations

import time
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone
from guardian.management import create_anonymous_user

from cases.models import Case
from cases.synthetic.generate import Generator, history_insert_triggers
from cases.synthetic.plan import counts_for

SAFE_NAME_PARTS = ("bench", "synthetic")
# Apps whose tables the generator writes (and --force empties). The reminder settings seeded by
# migrations (ReminderOffset, ReminderKindSetting) are configuration, not data: kept.
KEEP = {"cases.reminderoffset", "cases.reminderkindsetting"}
DATA_APPS = ("cases", "accounts", "ansvarsforbindelse", "inslussning", "guardian", "pghistory")


def data_tables() -> list[str]:
    tables = []
    for app_label in DATA_APPS:
        try:
            config = apps.get_app_config(app_label)
        except LookupError:
            continue
        for model in config.get_models(include_auto_created=True):
            if model._meta.label_lower in KEEP or model._meta.proxy or not model._meta.managed:
                continue
            tables.append(model._meta.db_table)
    existing = set(connection.introspection.table_names())
    return sorted(set(tables) & existing)


def foreign_keys_of(tables: list[str]) -> list[tuple[str, str, str]]:
    """(table, constraint, definition) of the foreign keys on ``tables``."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, k.conname, pg_get_constraintdef(k.oid)
            FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
            WHERE k.contype = 'f' AND c.relname = ANY(%s)
              AND c.relnamespace = current_schema()::regnamespace
            ORDER BY 1, 2
            """,
            [tables],
        )
        return [(table, name, definition) for table, name, definition in cursor.fetchall()]


class Command(BaseCommand):
    help = "Skapar en syntetisk datamängd i regionstorlek för prestandamätning (make bench)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, default=150_000, help="Antal ärenden.")
        parser.add_argument(
            "--seed", type=int, default=42, help="Slumpfrö (samma frö, samma data)."
        )
        parser.add_argument(
            "--scale-from-cases",
            action="store_true",
            help="Räkna fram alla andra antal ur --cases i DESIGN.md:s proportioner "
            "(standard; flaggan finns för tydlighet i skript).",
        )
        parser.add_argument(
            "--force", action="store_true", help="Töm tabellerna först om det redan finns ärenden."
        )
        parser.add_argument(
            "--i-know",
            action="store_true",
            help="Kör även mot en databas vars namn inte innehåller 'bench' eller 'synthetic'.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = str(connection.settings_dict["NAME"])
        if not any(part in name.lower() for part in SAFE_NAME_PARTS) and not options["i_know"]:
            raise CommandError(
                f"Databasen {name!r} ser inte ut som en mätdatabas (namnet ska innehålla "
                "'bench' eller 'synthetic'). Ange --i-know om du verkligen menar den."
            )
        if options["cases"] < 1:
            raise CommandError("--cases måste vara minst 1.")
        if Case.objects.exists() and not options["force"]:
            raise CommandError(
                "Databasen har redan ärenden. Ange --force för att tömma den och skapa om."
            )
        counts = counts_for(options["cases"])
        verbose = options["verbosity"] > 0
        log = (lambda line: self.stdout.write(line)) if verbose else (lambda line: None)
        log("Skapar " + ", ".join(f"{key}={value}" for key, value in counts.as_dict().items()))
        started = time.monotonic()
        with transaction.atomic():
            with connection.cursor() as cursor:
                if options["force"]:
                    tables = ", ".join(f'"{table}"' for table in data_tables())
                    cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
                    # What migrate made in those tables comes back, as on a fresh database.
                    create_anonymous_user(None, using=connection.alias)
                # Foreign keys are dropped and added again after the load: adding one checks
                # every row in a single join, where COPY would check row by row (about five
                # times slower). Same guarantee: the transaction commits only if all hold.
                foreign_keys = foreign_keys_of(data_tables())
                for table, name, _ in foreign_keys:
                    cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
                triggers = history_insert_triggers()
                for table, trigger in triggers:
                    cursor.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER "{trigger}"')
            generator = Generator(counts, seed=options["seed"], now=timezone.now(), log=log)
            rows = generator.run()
            with connection.cursor() as cursor:
                for table, trigger in triggers:
                    cursor.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER "{trigger}"')
                log("Lägger tillbaka och kontrollerar främmande nycklar …")
                checked = time.monotonic()
                for table, name, definition in foreign_keys:
                    cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
                log(f"  {len(foreign_keys)} nycklar: {time.monotonic() - checked:.1f} s")
        loaded = time.monotonic() - started
        with connection.cursor() as cursor:
            # VACUUM cannot run inside a transaction (the tests wrap one around everything).
            statement = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
            for table in sorted(rows):
                cursor.execute(f'{statement} "{table}"')
        total = time.monotonic() - started
        log(f"Klart: {sum(rows.values())} rader på {loaded:.1f} s, med analys {total:.1f} s.")
