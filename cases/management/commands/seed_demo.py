"""Load the invented demo data: organisations, one user per role per organisation, and (as later
capabilities add them) clients and cases. Idempotent and deterministic: a second run changes
nothing but the passwords, which are set again so that the printed password always works."""

from __future__ import annotations

import json
import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from cases import demo

DEFAULT_DEMO_PASSWORD = "brygga-demo-2026"  # noqa: S105 - documented demo default, DEBUG only


class Command(BaseCommand):
    help = "Skapar demodata (påhittade organisationer, användare och ärenden)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Skriv kontona som JSON.")
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Kör även när DEBUG är avslaget (t.ex. i en testmiljö).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "seed_demo skapar konton med ett känt lösenord och körs bara med DEBUG=true "
                "eller --allow-production."
            )
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
        with transaction.atomic():
            accounts = demo.seed(password=password)
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    [
                        {"username": a.username, "organisation": a.organisation, "role": a.role}
                        for a in accounts
                    ],
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        width = max(len(a.username) for a in accounts)
        org_width = max(len(a.organisation) for a in accounts)
        self.stdout.write(f"{'Användarnamn':<{width}}  {'Organisation':<{org_width}}  Roll")
        for account in accounts:
            self.stdout.write(
                f"{account.username:<{width}}  {account.organisation:<{org_width}}  {account.role}"
            )
        shown = "DEMO_PASSWORD" if os.environ.get("DEMO_PASSWORD") else password
        self.stdout.write(f"\nLösenord för alla demokonton: {shown}")
