"""The embedded PostgreSQL and Redis: several processes starting at once share one server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import redis

PROJECT = Path(__file__).resolve().parent.parent

START_SCRIPT = """
import json
from config import embedded
url = embedded.ensure_postgres()
socket = embedded.ensure_redis()
print(json.dumps({"url": url, "redis": str(socket), "started": sorted(embedded.started_here)}))
"""


def _start_in_subprocesses(var_dir: Path, count: int) -> list[dict[str, object]]:
    env = {**os.environ, "BRYGGA_VAR_DIR": str(var_dir)}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", START_SCRIPT],
            cwd=PROJECT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    results = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr
        results.append(json.loads(stdout))
    return results


def test_concurrent_start_shares_one_postgres_and_one_redis(tmp_path: Path) -> None:
    var_dir = tmp_path / "var"
    env = {**os.environ, "BRYGGA_VAR_DIR": str(var_dir)}
    try:
        results = _start_in_subprocesses(var_dir, 3)
        # Exactly one process started each server; all got the same addresses.
        assert sum("postgres" in r["started"] for r in results) == 1  # type: ignore[operator]
        assert sum("redis" in r["started"] for r in results) == 1  # type: ignore[operator]
        assert len({r["url"] for r in results}) == 1
        url = str(results[0]["url"])
        with psycopg.connect(url.replace("postgres://", "postgresql://")) as connection:
            assert connection.execute("SELECT current_database()").fetchone() == ("brygga",)
        assert redis.Redis(unix_socket_path=str(results[0]["redis"])).ping()
        assert (var_dir / "postgres" / "data" / "PG_VERSION").exists()

        # A second start reuses the running servers and the data.
        again = _start_in_subprocesses(var_dir, 1)[0]
        assert again["started"] == [] and again["url"] == url
    finally:
        subprocess.run(
            [sys.executable, "-m", "config.embedded", "stop"],
            cwd=PROJECT,
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
    status = subprocess.run(
        [sys.executable, "-m", "config.embedded", "status"],
        cwd=PROJECT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    assert "PostgreSQL: stopped" in status and "Redis: stopped" in status
