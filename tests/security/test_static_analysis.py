"""bandit over the code that runs outside the tests (scope: pyproject.toml [tool.bandit]).

Every finding is fixed or carries `# nosec BXXX` with its reason beside it; a bare `# nosec`
(every check off) or one without a reason fails here, as does any finding at any severity.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXCLUDED = {".venv", "node_modules", "static", "tests", "test-artifacts", ".git"}
# "<reason>  # nosec B105" or "# noqa: S105 - <reason>  # nosec B105": the reason comes
# first, as bandit reads every word after `nosec` as a check's name.
NOSEC = re.compile(r"#\s*nosec\b(?P<ids>.*)$")
NOSEC_IDS = re.compile(r"^\s*B\d{3}(\s*,\s*B\d{3})*\s*$")
NOQA = re.compile(r"noqa:\s*[A-Z]+\d+(\s*,\s*[A-Z]+\d+)*\s*-?")


@pytest.fixture(scope="module")
def report() -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "bandit", "-c", "pyproject.toml", "-r", ".", "-f", "json", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.stdout, f"bandit printed no report: {result.stderr[-2000:]}"
    return json.loads(result.stdout)


def scanned_files() -> list[Path]:
    return [
        path for path in ROOT.rglob("*.py") if not EXCLUDED & set(path.relative_to(ROOT).parts[:1])
    ]


def test_bandit_finds_nothing_in_the_code(report):
    findings = [
        f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_severity']}: "
        f"{r['issue_text']}"
        for r in report["results"]
    ]
    assert findings == []
    assert report["errors"] == []


def test_bandit_scans_the_apps_and_scripts_but_not_the_tests(report):
    scanned = {Path(name).parts[0] for name in report["metrics"] if name != "_totals"}
    assert {"accounts", "config", "referrals", "reporting", "scripts", "demo"} <= scanned
    assert "tests" not in scanned
    assert ".venv" not in scanned


def test_every_nosec_names_its_check_and_gives_a_reason():
    unjustified = []
    for path in scanned_files():
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            match = NOSEC.search(line)
            if not match:
                continue
            before = line[: match.start()]
            comment = before.split("#", 1)[1] if "#" in before else ""
            reason = NOQA.sub("", comment).strip(" -")
            if not NOSEC_IDS.match(match["ids"]) or len(reason.split()) < 3:
                unjustified.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert unjustified == []
