"""A parallel run's template database (tests/databases.py): one a killed run left behind is
dropped by a later run; one whose run is under way is kept."""

import os
import tempfile
import time
from pathlib import Path

from django.db import connection

from tests.databases import STALE_AFTER_SECONDS, _drop_stale_templates

BASE = "ldtest_stale"


def _lock(run: str, age_seconds: float) -> Path:
    path = Path(tempfile.gettempdir()) / f"ldcstr-test-db-{run}-and-the-rest.lock"
    path.touch()
    then = time.time() - age_seconds
    os.utime(path, (then, then))
    return path


def test_templates_of_killed_runs_are_dropped_and_a_running_ones_kept(postgres):
    runs = {"killedrun001": None, "oldrun000002": STALE_AFTER_SECONDS + 60, "running00003": 60}
    locks = [_lock(run, age) for run, age in runs.items() if age is not None]
    names = [f"{BASE}_tpl_{run}" for run in runs]
    with connection.creation._nodb_cursor() as cursor:
        try:
            for name in names:
                cursor.execute(f"DROP DATABASE IF EXISTS {name}")
                cursor.execute(f"CREATE DATABASE {name}")

            dropped = _drop_stale_templates(cursor, BASE)

            cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{BASE}%"])
            left = {name for (name,) in cursor.fetchall()}
        finally:
            for name in names:
                cursor.execute(f"DROP DATABASE IF EXISTS {name}")
            for lock in locks:
                lock.unlink(missing_ok=True)

    assert sorted(dropped) == [f"{BASE}_tpl_killedrun001", f"{BASE}_tpl_oldrun000002"]
    assert left == {f"{BASE}_tpl_running00003"}
