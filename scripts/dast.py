"""DAST: wapiti scans a loopback instance signed in as the demo practitioner.

    .venv/bin/python scripts/dast.py [--port 8765] [--crawl-time 45] [--attack-time 12]

Builds a throw-away SQLite database with a little demo data, serves it with gunicorn under
the production settings on 127.0.0.1, signs in as the demo practitioner through the real
sign-in form (CSRF token and all), hands the session cookie to wapiti and scans, staying
clear of the URLs that would sign it out. Writes test-artifacts/dast/wapiti.json (wapiti's
report), summary.json and server.log; exits 1 if any finding is high or critical, if the
service answered any request with a 5xx, or if the scan lost its session. Run by tests/security/test_dast.py; results in docs/security.md.

The loopback is plain http, so the settings drop only the cookies' Secure flag (a client
would not send them back otherwise) and the redirect to https; everything else is
production's. No request leaves the machine: the modules that need an outside endpoint
(ssrf, xxe) are not run, and wapiti's bug reports are off.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import subprocess  # runs manage.py, gunicorn and wrk with fixed arguments  # nosec B404
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import requests
from benchmark.server import start_gunicorn, stop  # scripts/ is on the path: run as a script

ROOT = Path(__file__).resolve().parents[1]
REPORT_DIR = ROOT / "test-artifacts" / "dast"
PRACTITIONER = "practitioner"
# Each module wapiti 3.0.4 has that needs nothing outside the machine and no word list, less
# blindsql: its time-based payloads find nothing on SQLite (no sleep function) and it does
# not stop at --max-attack-time (minutes per form); error-based `sql` stays, and bandit
# checks the few raw SQL statements.
MODULES = [
    "xss", "permanentxss", "sql", "exec", "file", "redirect", "crlf", "csrf",
    "http_headers", "cookieflags", "csp", "methods",
]  # fmt: skip
# Signing out, ending sessions and the keep-alive would end or bend the scan's own session.
EXCLUDED_PATHS = [
    "/sign-out/*",
    "/account/keep-alive/*",
    "/account/sessions/*/end/*",
    "/account/sessions/end-others/*",
]
# Debian's wapiti 3.0.4, mended in two places for this scan:
# - it builds each --exclude pattern as "...\Z(?ms)", which Python 3.11 refuses (global
#   flags must come first), so every --exclude crashes it;
# - its csrf module knows no form field named like Django's `csrfmiddlewaretoken`, so it
#   reported every form as lacking a token; knowing it, the module checks what matters:
#   that the token is long and random and that a form posted with a wrong one is refused.
WAPITI = """
import re, sys
from wapitiCore.net import crawler
from wapitiCore.attack.mod_csrf import mod_csrf
def wildcard_translate(pattern):
    return re.compile("(?ms)" + ".*".join(map(re.escape, pattern.split("*"))) + r"\\Z")
crawler.wildcard_translate = wildcard_translate
mod_csrf.TOKEN_FORM_STRINGS = [*mod_csrf.TOKEN_FORM_STRINGS, "csrfmiddlewaretoken"]
from wapitiCore.main.wapiti import wapiti_main
sys.argv[0] = "wapiti"
sys.exit(wapiti_main())
"""
LEVELS = {"0": "info", "1": "low", "2": "medium", "3": "high", "4": "critical"}
FAILING_LEVELS = {"high", "critical"}
DAST_SETTINGS = '''"""Production settings on a plain-http loopback, for scripts/dast.py only."""
from config.settings.production import *  # noqa: F403

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
'''


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--referrals", type=int, default=8, help="demo referrals to seed")
    # wapiti 3.0.4's --max-scan-time bounds the crawl only; each module then has its own
    # --max-attack-time. The defaults keep the whole run near three minutes on two cores.
    parser.add_argument("--crawl-time", type=int, default=45, help="seconds")
    parser.add_argument("--attack-time", type=int, default=12, help="seconds per module")
    return parser.parse_args(argv)


def environment(work: Path, port: int) -> dict:
    """The production settings' environment, every secret made up for this run."""
    (work / "dast_settings.py").write_text(DAST_SETTINGS)
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LD_"))},
        "PYTHONPATH": os.pathsep.join([str(work), str(ROOT)]),
        "DJANGO_SETTINGS_MODULE": "dast_settings",
        "DATABASE_URL": f"sqlite:///{work / 'dast.sqlite3'}",
        "REDIS_URL": "",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "LD_AUDIT_HMAC_KEY": secrets.token_urlsafe(40),
        "LD_RETURN_PSEUDONYM_KEY": secrets.token_urlsafe(40),
        "LD_AUDIT_CHECKPOINT_FILE": str(work / "audit-checkpoints.jsonl"),
        "LD_VIRUS_SCAN_WAIVER": "a throw-away scan instance: uploads are deleted with it",
        "LD_DOCUMENT_ROOT": str(work / "documents"),
        "DJANGO_STATIC_ROOT": str(work / "static"),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "LOG_LEVEL": "WARNING",
    }


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(  # noqa: S603 - this Python, manage.py  # nosec B603
        [sys.executable, str(ROOT / "manage.py"), *args],
        check=True,
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return result.stdout


def prepare(env: dict, referrals: int) -> str:
    """The database, demo data and static files; returns the practitioner's password as
    `demo_logins` prints it."""
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo", "--referrals", str(referrals), "--demo")
    manage(env, "collectstatic", "--noinput")
    logins = manage(env, "demo_logins")
    found = re.search(rf"^\s*{PRACTITIONER}\s+(\S+)\s", logins, re.MULTILINE)
    if not found:
        raise SystemExit(f"demo_logins did not list {PRACTITIONER}: {logins}")
    return found[1]


def sign_in(base: str, password: str) -> requests.Session:
    """The real sign-in form: its CSRF token, the cookie beside it, then the POST."""
    session = requests.Session()
    form = session.get(f"{base}/sign-in/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
    response = session.post(
        f"{base}/sign-in/",
        data={"csrfmiddlewaretoken": token[1], "username": PRACTITIONER, "password": password},
        headers={"Referer": f"{base}/sign-in/"},
        timeout=10,
    )
    if not signed_in(session, base) or response.status_code != 200:
        raise SystemExit(f"could not sign in as {PRACTITIONER} ({response.status_code})")
    return session


def signed_in(session: requests.Session, base: str) -> bool:
    """The home page opens (my work), rather than the sign-in page."""
    response = session.get(f"{base}/", timeout=10)
    return response.status_code == 200 and "/sign-in/" not in response.url


def write_cookie_file(session: requests.Session, path: Path) -> None:
    """wapiti's JSON cookie jar (wapitiCore/net/jsoncookie.py): {host: {path: {name: ...}}}."""
    jar: dict = {}
    for cookie in session.cookies:
        jar.setdefault("127.0.0.1", {}).setdefault(cookie.path, {})[cookie.name] = {
            "value": cookie.value,
            "expires": cookie.expires,
            "secure": False,
            "port": None,
            "version": 0,
        }
    path.write_text(json.dumps(jar))


def run_wapiti(base: str, cookies: Path, work: Path, report: Path, args) -> None:
    wapiti = shutil.which("wapiti")
    if not wapiti:
        raise SystemExit("wapiti is not installed (apt-get install wapiti)")
    python = Path(wapiti).read_text().splitlines()[0].removeprefix("#!").strip()
    command = [
        *[python, "-c", WAPITI, "--url", f"{base}/", "--scope", "folder", "--cookie", str(cookies)],
        *["--module", ",".join(MODULES), "--no-bugreport", "--flush-session"],
        *["--store-session", str(work / "wapiti-session")],
        *["--store-config", str(work / "wapiti-config")],
        *["--max-scan-time", str(args.crawl_time)],
        *["--max-attack-time", str(args.attack_time)],
        *["--depth", "5", "--max-links-per-page", "40", "--max-files-per-dir", "10"],
        *["--timeout", "15", "--verbose", "1", "--format", "json", "--output", str(report)],
    ]
    for pattern in EXCLUDED_PATHS:
        command += ["--exclude", f"{base}{pattern}"]
    log = (REPORT_DIR / "wapiti.log").open("w")
    subprocess.run(  # noqa: S603 - fixed command, our own arguments  # nosec B603
        command,
        check=True,
        stdout=log,
        stderr=subprocess.STDOUT,
        timeout=args.crawl_time + args.attack_time * len(MODULES) + 120,
    )


def summarise(report: dict) -> dict:
    """Findings by level, and each high or critical one with its place."""
    counts: Counter = Counter()
    failing = []
    for section in ("vulnerabilities", "anomalies"):
        for category, findings in report.get(section, {}).items():
            for finding in findings:
                level = LEVELS.get(str(finding.get("level")), str(finding.get("level")))
                counts[f"{section}:{level}"] += 1
                entry = f"{category} ({level}): {finding['method']} {finding['path']}"
                if level in FAILING_LEVELS:
                    failing.append(f"{entry} {finding.get('parameter', '')}")
    by_category = {
        f"{section}:{category}": len(findings)
        for section in ("vulnerabilities", "anomalies")
        for category, findings in report.get(section, {}).items()
        if findings
    }
    return {"by_level": dict(counts), "by_category": by_category, "failing": failing}


def crawled(log: str) -> dict:
    """What the crawl reached, from wapiti's log: "[+] GET http://host/path/ (depth)"."""
    found = re.findall(r"^\[\+\] (GET|POST) https?://[^/\s]+(/[^\s?]*)", log, re.MULTILINE)
    areas = Counter("/" + path.split("/")[1] + "/" for _method, path in found if path != "/")
    return {
        "crawled": len(found),
        "forms_posted": sum(1 for method, _path in found if method == "POST"),
        "areas": dict(areas.most_common()),
    }


def server_errors(access_log: str) -> list[str]:
    """Every 5xx answer in gunicorn's access log ("METHOD /path HTTP/1.1" STATUS): the
    service never answers 500, whatever it is sent."""
    found = re.findall(r'"(\S+ \S+) HTTP/1\.[01]" (5\d\d) ', access_log)
    return [f"{status} {request}" for request, status in found]


def main(argv=None) -> int:
    args = parse_args(argv)
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    base = f"http://127.0.0.1:{args.port}"
    with tempfile.TemporaryDirectory(prefix="ld-dast-") as tmp:
        work = Path(tmp)
        env = environment(work, args.port)
        started = time.monotonic()
        password = prepare(env, args.referrals)
        log = str(REPORT_DIR / "server.log")
        server = start_gunicorn(args.port, 2, env, log_path=log, access_log=True)
        try:
            session = sign_in(base, password)
            write_cookie_file(session, work / "cookies.json")
            scan_started = time.monotonic()
            run_wapiti(base, work / "cookies.json", work, REPORT_DIR / "wapiti.json", args)
            still_signed_in = signed_in(session, base)
        finally:
            stop(server)
    report = json.loads((REPORT_DIR / "wapiti.json").read_text())
    summary = {
        **summarise(report),
        **crawled((REPORT_DIR / "wapiti.log").read_text(errors="replace")),
        "server_errors": server_errors((REPORT_DIR / "server.log").read_text(errors="replace")),
        "signed_in_after_scan": still_signed_in,
        "scan_seconds": round(time.monotonic() - scan_started),
        "total_seconds": round(time.monotonic() - started),
        "modules": MODULES,
    }
    (REPORT_DIR / "summary.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary, indent=2))
    return 1 if summary["failing"] or summary["server_errors"] or not still_signed_in else 0


if __name__ == "__main__":
    sys.exit(main())
