"""Run the security test groups and write docs/security-results.md from that run.

    .venv/bin/python scripts/security_results.py [--workers 0] [--output docs/security-results.md]

One pytest run over every group's files, its JUnit XML written to test-artifacts/; the page
counts each group's passed, failed, skipped and expected-failure tests from that XML, so
no figure on it is typed by hand. It names the commit, the database engine (never its URL,
which may hold a password) and whether Redis and Chromium were there, and lists every test
that did not pass with the first line of its reason. Exits 1 when any test failed.

Run it against PostgreSQL and Redis with REQUIRE_SERVICES=1 (as CI does) for the figures
that count: on SQLite the database trigger tests are skipped. On a shared machine use one
worker (`--workers 0`, the default).
"""

import argparse
import datetime
import os
import shutil
import subprocess  # runs pytest with fixed arguments  # nosec B404
import sys
import xml.etree.ElementTree as ET  # reads only the JUnit XML our own pytest run wrote  # nosec B405
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
JUNIT = ARTIFACTS / "security-results.xml"

# (group, what it shows, files). Each file belongs to one group; every tests/security file is
# in one (tests/security/test_assurance_docs.py checks).
GROUPS = [
    (
        "Access control",
        "every URL as every role and team, with records of other teams present; "
        "consent-gated pages under each consent decision; restricted records (excluded and "
        "restricted staff refused on every page about the person)",
        ["tests/security/test_access_matrix.py", "tests/security/test_restricted_records.py"],
    ),
    (
        "Every read of a person audited",
        "every page that shows a person writes a view entry with their id",
        ["tests/security/test_person_reads_audited.py"],
    ),
    (
        "Hostile input",
        "every form POSTed with hostile values: never a 500",
        ["tests/security/test_form_fuzz.py"],
    ),
    (
        "Headers and caching",
        "CSP, framing, nosniff, referrer, HSTS, cookies, check --deploy; no-store on "
        "signed-in pages and downloads",
        ["tests/security/test_headers.py", "tests/security/test_no_store.py"],
    ),
    (
        "No personal data in logs or error reports",
        "log scrubbing, the log checker, error e-mails and pages",
        [
            "tests/security/test_log_scrubbing.py",
            "tests/security/test_log_check.py",
            "tests/security/test_error_reports.py",
        ],
    ),
    (
        "Data classification and subject access",
        "every field classified; anonymisation; the subject access export",
        ["tests/security/test_classification.py", "tests/security/test_subject_access.py"],
    ),
    (
        "Audit trail: tamper evidence",
        "append-only triggers, the keyed chain, checkpoints outside the database, each attack",
        [
            "tests/accounts/test_audit_trail.py",
            "tests/accounts/test_audit_chain.py",
            "tests/accounts/test_audit_search.py",
        ],
    ),
    (
        "Sessions and sign-in",
        "lockout, idle and absolute lifetime, two-factor by role, sessions ended, Argon2id",
        [
            "tests/accounts/test_authentication.py",
            "tests/accounts/test_session_lifetime.py",
            "tests/accounts/test_user_sessions.py",
            "tests/accounts/test_two_factor.py",
            "tests/accounts/test_two_factor_roles.py",
            "tests/accounts/test_password_hashing.py",
            "tests/accounts/test_administration_sign_in.py",
            "tests/security/test_session_timeout_browser.py",
        ],
    ),
    (
        "Administrators cannot grant themselves clinical access",
        "role and team changes need a second administrator; the Django admin cannot change users",
        [
            "tests/accounts/test_access_requests.py",
            "tests/accounts/test_account_activation_requests.py",
        ],
    ),
    (
        "Assurance documents match the code",
        "every test the hazard log names exists; ratings follow the matrix; field counts are "
        "the registry's",
        ["tests/security/test_assurance_docs.py"],
    ),
    (
        "Static and dynamic scans",
        "bandit over the code finds nothing unexplained; wapiti against a signed-in loopback "
        "instance finds nothing high or critical and no server error",
        ["tests/security/test_static_analysis.py", "tests/security/test_dast.py"],
    ),
]


@dataclass
class Tally:
    counts: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    skip_reasons: Counter = field(default_factory=Counter)


def module_of(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


def group_of(classname: str) -> str | None:
    """The group whose file holds a JUnit testcase (classname: module, maybe a class)."""
    for name, _what, files in GROUPS:
        for path in files:
            module = module_of(path)
            if classname == module or classname.startswith(module + "."):
                return name
    return None


def first_line(text: str | None) -> str:
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return line[:160].replace("|", "/")


def outcome_of(case: ET.Element) -> tuple[str, str]:
    """(outcome, reason) of one testcase: passed, failed, error, skipped or xfailed."""
    for tag in ("failure", "error"):
        element = case.find(tag)
        if element is not None:
            return ("failed" if tag == "failure" else "error"), first_line(
                element.get("message") or element.text
            )
    skipped = case.find("skipped")
    if skipped is not None:
        kind = "xfailed" if skipped.get("type") == "pytest.xfail" else "skipped"
        return kind, first_line(skipped.get("message") or skipped.text)
    return "passed", ""


def tally(junit: Path) -> dict[str, Tally]:
    tallies = {name: Tally() for name, _what, _files in GROUPS}
    # Our own pytest's output, written a moment ago: not untrusted XML.
    for case in ET.parse(junit).getroot().iter("testcase"):  # noqa: S314  # our own pytest run's JUnit XML  # nosec B314
        group = group_of(case.get("classname", ""))
        if group is None:
            continue
        outcome, reason = outcome_of(case)
        one = tallies[group]
        one.counts[outcome] += 1
        one.seconds += float(case.get("time") or 0)
        if outcome in ("failed", "error"):
            one.problems.append(f"`{case.get('classname')}::{case.get('name')}`: {reason}")
        elif outcome in ("skipped", "xfailed"):
            one.skip_reasons[f"{outcome}: {reason}"] += 1
    return tallies


def git(*args: str) -> str:
    command = [shutil.which("git") or "git", *args]
    done = subprocess.run(  # noqa: S603 - fixed command, our own arguments  # nosec B603
        command, cwd=ROOT, capture_output=True, text=True, check=False
    )
    return done.stdout.strip()


def run_started(junit: Path) -> str:
    """When the run began, from its JUnit XML (so a re-render keeps the run's time)."""
    suite = ET.parse(junit).getroot().find("testsuite")  # noqa: S314 - our own pytest's XML  # our own pytest run's JUnit XML  # nosec B314
    stamp = datetime.datetime.fromisoformat(suite.get("timestamp"))
    return stamp.astimezone(datetime.UTC).strftime("%d %B %Y %H:%M UTC")


def environment() -> list[tuple[str, str]]:
    database = os.environ.get("DATABASE_URL", "")
    engine = "PostgreSQL" if database.startswith(("postgres", "pgsql")) else "SQLite"
    dirty = (
        " (with uncommitted changes)"
        if git("status", "--porcelain", "--untracked-files=no")
        else ""
    )
    chromium = any(shutil.which(name) for name in ("chromium", "chromium-browser"))
    return [
        ("Run started", run_started(JUNIT)),
        ("Commit", f"`{git('rev-parse', '--short', 'HEAD')}`{dirty}"),
        ("Database", engine),
        ("Redis", "yes" if os.environ.get("REDIS_URL") else "no (tasks in-process)"),
        ("Chromium (browser test)", "yes" if chromium else "no"),
        ("REQUIRE_SERVICES", os.environ.get("REQUIRE_SERVICES", "unset")),
        ("Python", sys.version.split()[0]),
    ]


def run_pytest(workers: str) -> int:
    ARTIFACTS.mkdir(exist_ok=True)
    files = [path for _name, _what, group_files in GROUPS for path in group_files]
    command = [sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider"]
    command += ["-n", workers, f"--junitxml={JUNIT}", *files]
    print(" ".join(command[1:]), flush=True)
    return subprocess.run(command, cwd=ROOT, check=False).returncode  # noqa: S603 - runs our own pytest  # nosec B603


OUTCOMES = ("passed", "failed", "error", "skipped", "xfailed")


def totals_row(tallies: dict[str, Tally]) -> str:
    total = sum((one.counts for one in tallies.values()), Counter())
    seconds = sum(one.seconds for one in tallies.values())
    cells = " | ".join(f"**{total[kind]:,}**" for kind in OUTCOMES)
    return f"| **All groups** | **{sum(total.values()):,}** | {cells} | {seconds:,.0f} s |"


def render(tallies: dict[str, Tally], workers: str) -> str:
    lines = [
        "# Security test results",
        "",
        "Generated by `scripts/security_results.py` from one pytest run (its JUnit XML in",
        "`test-artifacts/security-results.xml`); do not edit by hand: run the script again.",
        "What each rule is and why: docs/security.md. Test ids are `file::test[parameters]`.",
        "",
        "| | |",
        "|---|---|",
        *(f"| {key} | {value} |" for key, value in environment()),
        f"| pytest workers | {workers} |",
        "",
        "| Group | Tests | Passed | Failed | Errors | Skipped | Expected failures | Time |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, _what, _files in GROUPS:
        one = tallies[name]
        cells = " | ".join(f"{one.counts[kind]:,}" for kind in OUTCOMES)
        lines.append(f"| {name} | {sum(one.counts.values()):,} | {cells} | {one.seconds:,.0f} s |")
    lines += [totals_row(tallies), "", "## The groups", ""]
    for name, what, files in GROUPS:
        lines.append(f"- **{name}**: {what}. " + ", ".join(f"`{path}`" for path in files))
    lines += ["", "## Tests that did not pass", ""]
    lines += ["Failures, errors, skips and expected failures, with the reason each test gives.", ""]
    lines += _not_passed(tallies) or ["Every test passed."]
    return "\n".join(lines) + "\n"


def _not_passed(tallies: dict[str, Tally]) -> list[str]:
    lines = []
    for name, one in tallies.items():
        if not one.problems and not one.skip_reasons:
            continue
        lines.append(f"**{name}**")
        lines += [f"- failed: {problem}" for problem in one.problems]
        lines += [f"- {reason} ({n})" for reason, n in sorted(one.skip_reasons.items())]
        lines.append("")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", default="0", help="pytest-xdist workers (default 0)")
    parser.add_argument("--output", default=str(ROOT / "docs" / "security-results.md"))
    options = parser.parse_args()
    status = run_pytest(options.workers)
    tallies = tally(JUNIT)
    Path(options.output).write_text(render(tallies, options.workers))
    print(f"Wrote {options.output}")
    failed = any(one.counts["failed"] or one.counts["error"] for one in tallies.values())
    return 1 if failed or status not in (0, 1) else 0


if __name__ == "__main__":
    sys.exit(main())
