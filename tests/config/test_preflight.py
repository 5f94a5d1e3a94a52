"""scripts/preflight.py: before ./scripts/run serves, one line says what to do when the port
is taken, the database or Redis does not answer, or a variable is malformed."""

import importlib.util
import socket
import subprocess
import sys
from pathlib import Path

from django.conf import settings

_PATH = Path(settings.BASE_DIR) / "scripts" / "preflight.py"
_spec = importlib.util.spec_from_file_location("preflight", _PATH)
preflight = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(preflight)


def _run(**environment) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, str(_PATH), "--port", "0"],
        env={"PATH": "", **environment},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_a_port_in_use_is_named_with_another_to_choose():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        problem = preflight.port_problem(port)

    assert problem.startswith(f"Port {port} is in use")
    assert problem.endswith(f"./scripts/run --port {port + 1}")


def test_a_free_port_is_no_problem():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    assert preflight.port_problem(port) is None


def test_redis_that_does_not_answer_says_start_it_or_unset_the_variable():
    problem = preflight.redis_problem("redis://127.0.0.1:1/0")

    assert problem.startswith("Cannot reach Redis in REDIS_URL (")
    assert problem.endswith("or unset REDIS_URL to run Celery tasks in-process.")


def test_no_redis_url_is_no_problem():
    assert preflight.redis_problem("") is None


def test_a_database_that_does_not_answer_says_start_it_or_unset_the_variable():
    result = _run(DATABASE_URL="postgres://ld:s3cret-pw@127.0.0.1:1/ldcstr")

    assert result.returncode == 1
    assert result.stderr.startswith("Cannot reach the database in DATABASE_URL (")
    assert result.stderr.strip().endswith("or unset DATABASE_URL to use the embedded SQLite.")
    assert "s3cret-pw" not in result.stderr


def test_a_malformed_variable_is_one_line_not_a_traceback():
    result = _run(REDIS_URL="localhost:6379")

    assert (result.returncode, result.stderr.count("\n")) == (1, 1)
    assert result.stderr.startswith("Environment variable REDIS_URL is malformed: ")


def test_all_well_prints_nothing(tmp_path):
    result = _run(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")

    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
