"""DAST: wapiti against a loopback instance signed in as a practitioner (scripts/dast.py).

Needs Debian's wapiti (.ci/run installs it): skipped without it on a laptop, a failure under
REQUIRE_SERVICES=1. About three minutes on two cores; the report is kept in
test-artifacts/dast/.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import missing_service

ROOT = Path(__file__).resolve().parents[2]
REPORT_DIR = ROOT / "test-artifacts" / "dast"
sys.path.insert(0, str(ROOT / "scripts"))
import dast  # noqa: E402 - scripts/ is not a package


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.services
@pytest.mark.minutes(3)
def test_a_scan_signed_in_as_a_practitioner_finds_nothing_high_and_no_server_error():
    """One test, not several sharing a fixture: pytest-xdist would run the three-minute scan
    once per worker that got one of them."""
    if not shutil.which("wapiti"):
        missing_service("wapiti is not installed (apt-get install wapiti)")
    summary = REPORT_DIR / "summary.json"
    summary.unlink(missing_ok=True)  # an earlier run's
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "dast.py"), "--port", str(free_port())],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert summary.exists(), f"the scan did not finish: {result.stderr[-3000:]}"
    scan = json.loads(summary.read_text())

    assert scan["failing"] == []
    assert scan["server_errors"] == []
    assert scan["signed_in_after_scan"] is True
    # It reached the records and posted their forms.
    assert scan["crawled"] >= 200
    assert scan["forms_posted"] >= 20
    assert {"/referrals/", "/people/", "/contacts/", "/assessments/"} <= set(scan["areas"])
    assert result.returncode == 0


def test_a_high_finding_fails_the_scan():
    report = {
        "vulnerabilities": {
            "Cross Site Scripting": [
                {"method": "POST", "path": "/referrals/new/", "level": 3, "parameter": "name"}
            ],
            "Content Security Policy Configuration": [
                {"method": "GET", "path": "/", "level": 1, "parameter": ""}
            ],
        },
        "anomalies": {},
    }

    summary = dast.summarise(report)

    assert summary["failing"] == ["Cross Site Scripting (high): POST /referrals/new/ name"]
    assert summary["by_level"] == {"vulnerabilities:high": 1, "vulnerabilities:low": 1}


def test_a_server_error_in_the_access_log_is_found():
    log = (
        '127.0.0.1 - - [30/Nov/2026:16:28:12 +0000] "GET /referrals/5/ HTTP/1.1" 200 5545 "-"\n'
        '127.0.0.1 - - [30/Nov/2026:16:28:13 +0000] "POST /referrals/5/edit/ HTTP/1.1" 500 145 "-"\n'
    )

    assert dast.server_errors(log) == ["500 POST /referrals/5/edit/"]
