"""Empty the app's database for `./scripts/run --reset`, which then migrates and seeds it.

    DJANGO_DEBUG=true .venv/bin/python scripts/reset_database.py

The SQLite file is removed; a PostgreSQL database is dropped and created again (the user in
DATABASE_URL needs the CREATEDB right, and nothing else may be connected to it: stop the app
and any Celery worker first). `manage.py flush` is not enough: it also empties the reference
data that the migrations load (ethnicities, offence categories, vulnerabilities), which the
demo data needs.

Refuses unless DEBUG is on (./scripts/run turns it on): a reset is for a demo database on a
laptop, never a live one.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def reset_sqlite(name: str) -> str:
    """Remove the SQLite file and its journals; say what was removed."""
    if name == ":memory:":
        return "The database is in memory: nothing to remove"
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{name}{suffix}").unlink(missing_ok=True)
    return f"Removed the SQLite database {name}"


def reset_postgres(database: dict) -> str:
    """Drop and create the database again, through the server's `postgres` database."""
    import psycopg2
    from psycopg2 import sql

    parameters = {
        "dbname": "postgres",
        "user": database.get("USER"),
        "password": database.get("PASSWORD"),
        "host": database.get("HOST"),
        "port": database.get("PORT"),
        **database.get("OPTIONS", {}),
    }
    admin = psycopg2.connect(**{key: value for key, value in parameters.items() if value})
    admin.autocommit = True
    name = sql.Identifier(database["NAME"])
    try:
        with admin.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(name))
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(name))
    finally:
        admin.close()
    return f"Dropped and created the PostgreSQL database {database['NAME']}"


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django
    from django.conf import settings

    django.setup()  # reads the settings; opens no connection to the database reset below
    if not settings.DEBUG:
        print(
            "Refusing to reset a database with DEBUG off: a reset is for the demo on a laptop "
            "(./scripts/run --reset turns DEBUG on).",
            file=sys.stderr,
        )
        return 1
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        print(reset_sqlite(str(database["NAME"])))
        return 0
    import psycopg2

    try:
        print(reset_postgres(database))
    except psycopg2.Error as exc:
        reason = str(exc).strip().splitlines()[0]
        print(f"Could not reset the database in DATABASE_URL ({reason}).", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
