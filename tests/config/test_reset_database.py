"""scripts/reset_database.py (./scripts/run --reset): the demo database emptied so that migrate
builds it afresh with its reference data; never with DEBUG off."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "reset_database.py"


def _reset(database_url: str, debug: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, str(SCRIPT)],
        env={"PATH": "", "DATABASE_URL": database_url, "DJANGO_DEBUG": debug},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_the_sqlite_file_is_removed(tmp_path):
    database = tmp_path / "demo.sqlite3"
    database.write_bytes(b"demo")

    result = _reset(f"sqlite:///{database}", debug="true")

    assert (result.returncode, result.stdout) == (0, f"Removed the SQLite database {database}\n")
    assert not database.exists()


def test_with_debug_off_nothing_is_reset(tmp_path):
    database = tmp_path / "demo.sqlite3"
    database.write_bytes(b"demo")

    result = _reset(f"sqlite:///{database}", debug="false")

    assert result.returncode == 1
    assert result.stderr.startswith("Refusing to reset a database with DEBUG off")
    assert database.read_bytes() == b"demo"


def test_a_postgresql_database_is_dropped_and_created_empty(postgres):
    import psycopg2

    own = settings.DATABASES["default"]
    name = f"ld_reset_test_{os.getpid()}"
    server = f"postgres://{own['USER']}:{own['PASSWORD']}@{own['HOST']}:{own['PORT'] or 5432}"
    admin = psycopg2.connect(f"{server}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    with psycopg2.connect(f"{server}/{name}") as demo, demo.cursor() as cursor:
        cursor.execute("CREATE TABLE leftover (id int)")
    demo.close()
    try:
        result = _reset(f"{server}/{name}", debug="true")

        with psycopg2.connect(f"{server}/{name}") as fresh, fresh.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_tables WHERE tablename = 'leftover'")
            leftover = cursor.fetchone()[0]
        fresh.close()
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()

    assert (result.returncode, result.stdout) == (
        0,
        f"Dropped and created the PostgreSQL database {name}\n",
    )
    assert leftover == 0
