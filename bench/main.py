"""`python -m bench` (what `make bench` runs).

The bench database: ``BENCH_DATABASE_URL`` when set; otherwise ``brygga_bench`` on the
PostgreSQL at 127.0.0.1:5432 when that server answers; otherwise ``brygga_bench`` on the
embedded server under var/. It is created when missing, migrated, and seeded with
``seed_synthetic --cases 150000`` (``BENCH_CASES``) when it has no cases. The demo database is
never touched. Results: a table on stdout and JSON in var/bench/<timestamp>.json."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DB = "brygga_bench"
LOCAL_SERVER = "postgres://postgres@127.0.0.1:5432/"


def _server_answers(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(_with_database(url, "postgres"), connect_timeout=2):
            return True
    except psycopg.Error:
        return False


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _ensure_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(_with_database(url, "postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            print(f"Skapar databasen {name} …")
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def bench_database_url() -> str:
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    if _server_answers(LOCAL_SERVER + "postgres"):
        return LOCAL_SERVER + BENCH_DB
    from config import embedded

    return _with_database(embedded.ensure_postgres(), BENCH_DB)


def _redis_url() -> str | None:
    if os.environ.get("BENCH_REDIS_URL"):
        return os.environ["BENCH_REDIS_URL"]
    try:
        import redis

        if redis.Redis(host="127.0.0.1", port=6379, socket_timeout=1).ping():
            return "redis://127.0.0.1:6379/9"
    except Exception:  # noqa: BLE001 - any failure: use the embedded Redis
        return None
    return None


def configure() -> str:
    """Production settings with the few switches an in-process measurement needs."""
    url = bench_database_url()
    _ensure_database(url)
    os.environ["DATABASE_URL"] = url
    redis_url = _redis_url()
    if redis_url:
        os.environ["REDIS_URL"] = redis_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ["DEBUG"] = "false"
    os.environ["SECURE_SSL_REDIRECT"] = "false"  # the test client speaks plain HTTP
    os.environ["SECURE_COOKIES"] = "false"
    os.environ["BRYGGA_REQUIRE_2FA"] = "false"  # force_login has no second factor
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    return url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--repeats", type=int, default=int(os.environ.get("BENCH_REPEATS", 60)))
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--cases", type=int, default=int(os.environ.get("BENCH_CASES", 150_000)))
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--only", help="Kommaseparerade sidnycklar (t.ex. case_list,sweep).")
    parser.add_argument("--out", default=str(BASE_DIR / "var" / "bench"))
    args = parser.parse_args(argv)

    sys.path.insert(0, str(BASE_DIR))
    # WhiteNoise warns that collectstatic has not run; the bench serves no static files.
    warnings.filterwarnings("ignore", message="No directory at")
    url = configure()
    import django

    django.setup()
    from django.core.management import call_command

    from bench import run as bench_run
    from cases.models import Case

    print(f"Mätdatabas: {urlsplit(url).path.lstrip('/')} ({urlsplit(url).hostname or 'socket'})")
    call_command("migrate", verbosity=0)
    if not Case.objects.exists():
        print(f"Databasen är tom: seed_synthetic --cases {args.cases} --seed {args.seed} …")
        started = time.monotonic()
        call_command("seed_synthetic", cases=args.cases, seed=args.seed)
        print(f"Data skapade på {time.monotonic() - started:.0f} s.")
    print(f"Mäter ({args.repeats} varv efter {args.warmup} uppvärmning) …")
    only = set(args.only.split(",")) if args.only else None
    report = bench_run.run(repeats=args.repeats, warmup=args.warmup, only=only)
    print()
    print(bench_run.table(report))
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{time.strftime('%Y%m%dT%H%M%S')}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    print(f"\nJSON: {path}")
    failed = [p["label"] for p in report["pages"] if p["passed"] is False]
    if failed:
        print("Över budget: " + ", ".join(failed))
    return 0
