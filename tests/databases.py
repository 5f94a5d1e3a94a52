"""The test databases of a parallel run on PostgreSQL: migrated once, then copied.

Migrating an empty database takes about 13 s of CPU (Django re-renders the model states of
57 migrations), and pytest-django does it once per xdist worker. Here the first worker to
take the lock builds a template database (the migrations, then `prepare`), and every
worker copies it with CREATE DATABASE ... TEMPLATE, a file copy of well under a second.
The controller drops the template when the run ends (`drop_template`); one left by a run
that was killed is dropped by a later run.

Anything else (SQLite, one process) is set up as pytest-django would.
"""

import contextlib
import fcntl
import os
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.db import connection


def _run_id() -> str | None:
    """The run's id, shared by its workers; None outside a parallel run."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return None
    return os.environ.get("PYTEST_XDIST_TESTRUNUID")


def template_name(test_name: str, run_id: str) -> str:
    """test_ldcstr_gw1 -> test_ldcstr_tpl_<run> (the worker's suffix taken off): a run of
    its own on the same server does not touch it."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    base = test_name.removesuffix(f"_{worker}") if worker else test_name
    return f"{base}_tpl_{run_id[:12]}"


def _lock_path(run_id: str) -> Path:
    return Path(tempfile.gettempdir()) / f"ldcstr-test-db-{run_id}.lock"


# No run lasts this long: a template whose run's lock is older (or gone) was left by a run
# that was killed before its controller could drop it.
STALE_AFTER_SECONDS = 3 * 60 * 60


def _drop_stale_templates(cursor, base: str) -> list[str]:
    """Drop the templates killed runs left behind; returns their names."""
    cursor.execute(
        "SELECT datname FROM pg_database WHERE datname LIKE %s",
        [base.replace("_", r"\_") + r"\_tpl\_%"],
    )
    dropped = []
    for (name,) in cursor.fetchall():
        run_prefix = name.rsplit("_tpl_", 1)[1]
        locks = list(Path(tempfile.gettempdir()).glob(f"ldcstr-test-db-{run_prefix}*.lock"))
        if any(time.time() - lock.stat().st_mtime < STALE_AFTER_SECONDS for lock in locks):
            continue  # a run under way
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)}")
        dropped.append(name)
    return dropped


def clones_a_template() -> bool:
    return _run_id() is not None and connection.vendor == "postgresql"


@contextlib.contextmanager
def _run_lock(run_id: str):
    with _lock_path(run_id).open("a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            lock.seek(0)
            yield lock
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _use(name: str) -> None:
    """Point the default connection (and the settings Django reads) at database `name`."""
    connection.close()
    settings.DATABASES["default"]["NAME"] = name
    connection.settings_dict["NAME"] = name


def create_from_template(prepare, verbosity: int) -> str:
    """Create this worker's test database as a copy of the run's template, building the
    template first if no worker has. Returns the NAME it replaced (for destroy_test_db)."""
    creation = connection.creation
    original = connection.settings_dict["NAME"]
    test_name = creation._get_test_db_name()
    run_id = _run_id()
    template = template_name(test_name, run_id)
    quote = connection.ops.quote_name
    with _run_lock(run_id) as lock:
        if lock.read().strip() != template:  # the first worker here builds it
            with creation._nodb_cursor() as cursor:
                _drop_stale_templates(cursor, template.rsplit("_tpl_", 1)[0])
            connection.settings_dict.setdefault("TEST", {})["NAME"] = template
            creation.create_test_db(verbosity=verbosity, autoclobber=True, serialize=False)
            prepare()
            connection.settings_dict["TEST"]["NAME"] = test_name
            lock.truncate(0)
            lock.write(template)
            lock.flush()
        _use(original)  # no session may stay connected to a template being copied
        with creation._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(test_name)}")
            cursor.execute(f"CREATE DATABASE {quote(test_name)} TEMPLATE {quote(template)}")
    _use(test_name)
    return original


def drop_template(run_id: str) -> None:
    """Drop the run's template and its lock (the controller, after every worker ended)."""
    _lock_path(run_id).unlink(missing_ok=True)
    if connection.vendor != "postgresql":
        return
    template = template_name(connection.creation._get_test_db_name(), run_id)
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(template)}")
