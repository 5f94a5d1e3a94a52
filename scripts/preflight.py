"""Before ./scripts/run migrates, seeds and serves: is everything it needs there?

    .venv/bin/python scripts/preflight.py --port 8000

Checks, in order, and stops at the first that fails with one line saying what to do:
the settings (a malformed environment variable), the port (free on 127.0.0.1), the
database in DATABASE_URL (reachable) and Redis in REDIS_URL (answers a ping). Prints
nothing when all is well.
"""

import argparse
import os
import socket
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def port_problem(port: int, host: str = "127.0.0.1") -> str | None:
    """Why the app cannot listen on `port`, or None when it can."""
    with socket.socket() as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return (
                f"Port {port} is in use (the app already running in another terminal?). "
                f"Stop that with Ctrl+C, or choose another port: ./scripts/run --port {port + 1}"
            )
    return None


def settings_problem() -> str | None:
    """A malformed environment variable, in the settings' own words."""
    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as exc:
        return str(exc)
    return None


def database_problem() -> str | None:
    from django.db import DatabaseError, connection

    try:
        connection.ensure_connection()
    except DatabaseError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if connection.vendor == "sqlite":
            return (
                f"Cannot open the SQLite database file ({reason}). Check that the folder in "
                "DATABASE_URL exists and can be written, or unset DATABASE_URL."
            )
        return (
            f"Cannot reach the database in DATABASE_URL ({reason}). Start PostgreSQL and "
            "create the database (createdb), or unset DATABASE_URL to use the embedded SQLite."
        )
    finally:
        connection.close()
    return None


def redis_problem(url: str) -> str | None:
    if not url:
        return None
    import redis

    parts = urlsplit(url)
    try:
        if parts.scheme == "redis+socket":
            client = redis.Redis(unix_socket_path=parts.path, socket_connect_timeout=2)
        else:
            client = redis.Redis.from_url(url, socket_connect_timeout=2)
        client.ping()
    except redis.RedisError as exc:
        return (
            f"Cannot reach Redis in REDIS_URL ({exc}). Start Redis (redis-server), "
            "or unset REDIS_URL to run Celery tasks in-process."
        )
    return None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    problem = settings_problem() or port_problem(args.port) or database_problem()
    if problem is None:
        from django.conf import settings

        problem = redis_problem(settings.REDIS_URL)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
