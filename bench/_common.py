"""What the benchmark scripts share: this tree's code first on the import path, the scratch
PostgreSQL database a run makes for itself and drops after it (``--server``, ``--db``,
``--keep``, ``--reuse``), and the production-like settings the served benchmarks run under.

A script runs from bench/, so ``import _common`` finds this file. Importing it changes nothing;
a script calls :func:`this_tree_first` before it imports shebao (cases_instructions.py does
not: it appends ``src/``, so that older code first on PYTHONPATH is what runs)."""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import socket
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
HOST = "127.0.0.1"
SERVER = "postgres://postgres@127.0.0.1:5432"


def this_tree_first() -> None:
    """Put this tree's ``src/`` first on ``sys.path``: its code runs, also from a clone of the
    tree and whatever an installed package or PYTHONPATH points at."""
    sys.path.insert(0, str(ROOT / "src"))


def admin(server: str) -> psycopg.Connection:
    """A connection to the server's maintenance database, to create and drop the scratch one."""
    return psycopg.connect(f"{server.replace('postgres://', 'postgresql://', 1)}/postgres", autocommit=True)


def scratch_name(kind: str) -> str:
    """A fresh scratch database name, ``shebao_<kind>_<8 hex>``: runs side by side do not meet."""
    return f"shebao_{kind}_{uuid.uuid4().hex[:8]}"


def scratch_arguments(
    parser: argparse.ArgumentParser,
    *,
    db: str,
    db_help: str = "scratch database name",
    reuse_help: str | None = None,
) -> None:
    """``--server``, ``--db`` (default ``db``), ``--keep``, and ``--reuse`` when the script can
    run on a database kept by an earlier ``--keep`` run (``reuse_help`` says what it does)."""
    parser.add_argument("--server", default=SERVER)
    parser.add_argument("--db", default=db, help=db_help)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    if reuse_help is not None:
        parser.add_argument("--reuse", action="store_true", help=reuse_help)


def database_create(args: argparse.Namespace) -> None:
    """Make the scratch database ``args.db``, unless the run reuses a kept one."""
    if getattr(args, "reuse", False):
        return
    with admin(args.server) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(args.db)))


def database_drop(args: argparse.Namespace) -> bool:
    """Close this process's connections, then drop the scratch database unless it is to be kept
    (``--keep``) or was kept on purpose (``--reuse``). True when it was dropped."""
    from django.db import connections

    connections.close_all()
    if args.keep or getattr(args, "reuse", False):
        return False
    with admin(args.server) as conn:
        conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(args.db)))
    return True


@contextmanager
def scratch_database(args: argparse.Namespace, *, var_dir: bool = False) -> Iterator[None]:
    """The scratch database for the body, with the settings of a demo run on it: the database
    URL, shebao's settings, the demo environment unless one is set (unset is production, which
    refuses the demo secret), no query log (it would slow the ORM references down), and with
    ``var_dir`` a var directory named after the database unless one is set. Dropped after."""
    database_create(args)
    os.environ["DATABASE_URL"] = f"{args.server}/{args.db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shebao.settings")
    os.environ.setdefault("SHEBAO_ENV", "demo")
    os.environ["SHEBAO_DEBUG"] = "0"
    if var_dir:
        os.environ.setdefault("SHEBAO_VAR_DIR", f"/tmp/{args.db}")
    try:
        yield
    finally:
        database_drop(args)


def production_env(args: argparse.Namespace) -> dict[str, str]:
    """The variables of a production deployment served on this machine over plain HTTP: fresh
    keys (production refuses to start without them), no secure cookies, persistent database
    connections, the shared cache ``args.redis`` ('' for none)."""
    return {
        "DATABASE_URL": f"{args.server}/{args.db}",
        "DJANGO_SETTINGS_MODULE": "shebao.settings",
        "SHEBAO_ENV": "production",
        "SHEBAO_SECRET_KEY": secrets.token_urlsafe(48),
        "SHEBAO_AUDIT_KEY": secrets.token_urlsafe(48),
        "SHEBAO_DOCUMENT_KEY": secrets.token_urlsafe(48),
        "SHEBAO_PUBLIC_URL": f"http://{HOST}",
        "SHEBAO_DEBUG": "0",
        "SHEBAO_SECURE_COOKIES": "0",
        "SHEBAO_SSL_REDIRECT": "0",
        "SHEBAO_DB_CONN_MAX_AGE": "60",
        "SHEBAO_LOG_LEVEL": "WARNING",
        "REDIS_URL": args.redis,
    }


def free_port() -> int:
    """A TCP port free on the loopback address now, for a server of the run."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def machine_line() -> str:
    """The line a run's figures start with: cores, Python and the PostgreSQL server (read through
    Django's connection, so after ``django.setup()``)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0]
    return f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, PostgreSQL {server_version}"
