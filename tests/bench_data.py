"""Databases for the benchmarks: the loaded `flask gup demo --scale N` dataset on SQLite or PostgreSQL, built once
and copied for each benchmark that writes to it.

- SQLite: the loaded file is cached in bench/cache/, keyed by scale, seed and Alembic head (a re-run of
  `make bench` does not rebuild it); a benchmark gets a copy of the file.
- PostgreSQL (127.0.0.1:5432, user postgres): a loaded database `bench_<name>` is built once per run and each
  benchmark gets `CREATE DATABASE … TEMPLATE bench_<name>` (a file-level copy, seconds), dropped afterwards.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / "cache"
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
PG_ADMIN = f"{PG_SERVER}/postgres"


def flask(url: str, *args: str, env: dict | None = None) -> str:
    """`flask ARGS` in a subprocess on DATABASE_URL=url; its output (a failure stops the benchmark)."""
    environ = {**os.environ, "DATABASE_URL": url, "FLASK_APP": "wsgi.py", **(env or {})}
    proc = subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, env=environ, capture_output=True,
                          text=True, check=False)
    if proc.returncode:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")
    return proc.stdout


def alembic_head() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return "-".join(sorted(ScriptDirectory.from_config(config).get_heads()))


def postgres_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


def _admin(sql: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(sa.text(sql))
    finally:
        engine.dispose()


def scalar(url: str, sql: str) -> object:
    """One value read from a database (its own short-lived engine)."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(sql)).scalar_one()
    finally:
        engine.dispose()


def drop_database(url: str) -> None:
    """Remove a database made here: the SQLite file, or the PostgreSQL database (connections closed first)."""
    if url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    else:
        _admin(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def build(backend: str, name: str, loader: Callable[[str], None]) -> tuple[str, dict]:
    """A loaded dataset (url, how it was made): `loader(url)` fills a new database — on SQLite the file
    bench/cache/<name>-<Alembic head>.sqlite3, reused while it exists; on PostgreSQL the database `bench_<name>`,
    rebuilt (the caller drops it)."""
    started = time.perf_counter()
    if backend == "sqlite":
        cached = CACHE / f"{name}-{alembic_head()}.sqlite3"
        if cached.exists():
            return f"sqlite:///{cached}", {"cache": str(cached.relative_to(ROOT)), "built_seconds": None}
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(".partial")
        drop_database(f"sqlite:///{partial}")
        loader(f"sqlite:///{partial}")
        partial.rename(cached)
        return f"sqlite:///{cached}", {"cache": str(cached.relative_to(ROOT)),
                                       "built_seconds": round(time.perf_counter() - started, 1)}
    database = "bench_" + re.sub(r"[^a-z0-9_]", "_", name.lower())
    _admin(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
    _admin(f"CREATE DATABASE {database}")
    url = f"{PG_SERVER}/{database}"
    loader(url)
    return url, {"cache": None, "built_seconds": round(time.perf_counter() - started, 1)}


def load_scale(url: str, scale: int, seed: int) -> None:
    flask(url, "db", "upgrade")
    flask(url, "gup", "demo", "--scale", str(scale), "--seed", str(seed))


def build_scale(backend: str, scale: int, seed: int = 1) -> tuple[str, dict]:
    """The `flask gup demo --scale N` dataset (see `build`)."""
    return build(backend, f"scale{scale}_seed{seed}", lambda url: load_scale(url, scale, seed))


def copy_database(source: str, name: str, workdir: Path | None = None) -> str:
    """A copy of `source` that a benchmark may write to: a file copy (SQLite) or a template copy (PostgreSQL)."""
    if source.startswith("sqlite:///"):
        target = (workdir or CACHE) / f"{name}.sqlite3"
        drop_database(f"sqlite:///{target}")
        shutil.copyfile(source.removeprefix("sqlite:///"), target)
        return f"sqlite:///{target}"
    template = source.rsplit("/", 1)[1]
    _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    _admin(f"CREATE DATABASE {name} TEMPLATE {template}")
    return f"{PG_SERVER}/{name}"


@contextmanager
def database_copy(source: str, name: str, workdir: Path | None = None) -> Iterator[str]:
    url = copy_database(source, name, workdir)
    try:
        yield url
    finally:
        drop_database(url)


@contextmanager
def empty_postgres(*names: str) -> Iterator[list[str]]:
    """Empty PostgreSQL databases of those names (dropped first if a previous run left them, dropped at the end,
    also on error): their urls."""
    for name in names:
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise SystemExit(f"not a plain database name: {name!r}")
    for name in names:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _admin(f'CREATE DATABASE "{name}"')
    urls = [f"{PG_SERVER}/{name}" for name in names]
    try:
        yield urls
    finally:
        for url in urls:
            drop_database(url)
