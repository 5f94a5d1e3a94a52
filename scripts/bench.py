"""Benchmark the whole service at scale: seed, overnight run, then pages under load.

    .venv/bin/python scripts/bench.py --referrals 100000       (or: make bench)
    .venv/bin/python scripts/bench.py --referrals 1000000 --duration 10

What it does (a script that prints figures, never part of the test suite or CI):

1. Uses a dedicated PostgreSQL database (default ld_bench_<referrals> on 127.0.0.1; created
   if missing, migrated) and seeds it with `manage.py seed_demo --referrals N --demo` (the
   whole pathway: referrals, screening, assessments, orders...) unless it already holds data.
2. Times the overnight reporting run (yesterday's snapshot, rebuilt).
3. Serves the app with gunicorn on a free loopback port (DEBUG off, static files through
   WhiteNoise), signs the demo users in with `requests` to get their session cookies, and
   drives each page with wrk (a Lua script rotates the paths and carries the cookie) at 1, 10
   and 50 concurrent connections for a bounded time: p50/p95 latency and requests/s.
4. For each page, requests it once in-process with Django's test Client inside
   CaptureQueriesContext: the number of SQL queries, and "the floor": the same SELECT
   statements re-run directly with psycopg2 and timed. Page p50 (1 user) / floor = the ratio.
5. Prints a table and writes it to docs/performance.md (between markers for this size).
"""

import argparse
import contextlib
import datetime
import json
import math
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DOC = ROOT / "docs" / "performance.md"
CONCURRENCY = (1, 10, 50)
TARGET_P95_MS = 150
TARGET_RATIO = 3
CSRF_SECRET = "benchbenchbenchbenchbenchbench32"  # noqa: S105 - a CSRF secret for wrk's POSTs


# Pure helpers (tested in tests/bench/) -----------------------------------------------------


def percentile(samples, fraction):
    """The nearest-rank percentile of `samples` (fraction 0..1)."""
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    index = min(len(ordered), max(1, math.ceil(fraction * len(ordered)))) - 1
    return ordered[index]


def database_url_for(base_url: str, referrals: int) -> str:
    """The benchmark's own database on the server of `base_url`: ld_bench_<referrals>."""
    parts = urlsplit(base_url)
    return urlunsplit(parts._replace(path=f"/ld_bench_{referrals}"))


def replayable(sql: str) -> bool:
    """A captured statement the floor re-runs: reads only (no writes, no savepoints)."""
    head = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
    return head in ("SELECT", "WITH") and not re.search(r"\bFOR UPDATE\b", sql, re.I)


def lua_script(paths: list[str], *, cookie: str, method: str = "GET", body: str = "") -> str:
    """A wrk script: rotate through `paths` with the session cookie; print JSON when done."""
    quoted = ", ".join(json.dumps(p) for p in paths)
    headers = {"Cookie": cookie, "Host": "127.0.0.1"}
    if method == "POST":
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    header_lines = "\n".join(f"  [{json.dumps(k)}] = {json.dumps(v)}," for k, v in headers.items())
    return f"""
local paths = {{{quoted}}}
local headers = {{
{header_lines}
}}
local body = {json.dumps(body) if body else "nil"}
local counter = 0
local thread_offset = 0
setup = function(thread) thread_offset = thread_offset + 1; thread:set("offset", thread_offset) end
request = function()
  counter = counter + 1
  local index = ((counter + (offset or 0) * 7) % #paths) + 1
  return wrk.format({json.dumps(method)}, paths[index], headers, body)
end
done = function(summary, latency, requests)
  io.write("BENCH_JSON ")
  io.write(string.format(
    '{{"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "max_us": %d, ' ..
    '"status_errors": %d, "connect_errors": %d, "read_errors": %d, "timeouts": %d}}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency.max, summary.errors.status, summary.errors.connect, summary.errors.read,
    summary.errors.timeout))
end
"""


def parse_wrk(output: str) -> dict:
    for line in output.splitlines():
        if line.startswith("BENCH_JSON "):
            return json.loads(line[len("BENCH_JSON ") :])
    raise RuntimeError(f"wrk printed no result:\n{output}")


def markdown_table(rows: list[list[str]], header: list[str]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def replace_section(document: str, key: str, content: str) -> str:
    """Put `content` between the markers for `key`, appending the section if it is new."""
    start, end = f"<!-- bench:{key}:start -->", f"<!-- bench:{key}:end -->"
    block = f"{start}\n{content.rstrip()}\n{end}"
    if start in document and end in document:
        before, rest = document.split(start, 1)
        return before + block + rest.split(end, 1)[1]
    anchor = "<!-- bench:results -->"
    if anchor in document:
        return document.replace(anchor, f"{anchor}\n\n{block}", 1)
    return document.rstrip() + "\n\n" + block + "\n"


# The benchmark ----------------------------------------------------------------------------


@dataclass
class Page:
    name: str
    user: str  # demo username
    paths: list[str]
    method: str = "GET"
    body: str = ""
    terms: list[str] = field(default_factory=list)  # searches: posted, then results timed
    queries: list[int] = field(default_factory=list)
    floor_ms: float = float("nan")
    load: dict = field(default_factory=dict)  # concurrency -> wrk result
    skipped: str = ""


def log(message):
    print(message, flush=True)


def setup_django(database_url: str):
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ["REDIS_URL"] = ""  # Celery tasks run in-process; no broker in the benchmark
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def ensure_database(database_url: str):
    import psycopg2

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            log(f"Creating database {name}")
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def manage(*args, env):
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], check=True, env=env)  # noqa: S603


def seed(referrals: int, env) -> float | None:
    from referrals.models import Referral

    manage("migrate", "--noinput", "-v", "0", env=env)
    existing = Referral.objects.count()
    seconds = None
    if existing:
        log(f"Database already holds {existing:,} referrals: not seeding again.")
    else:
        log(f"Seeding {referrals:,} referrals with their whole pathway (seed_demo) ...")
        started = time.perf_counter()
        manage("seed_demo", "--referrals", str(referrals), "--demo", env=env)
        seconds = time.perf_counter() - started
        log(f"  seeded in {seconds:.0f} s")
    # Fresh planner statistics and visibility map (index-only scans), as autovacuum would
    # give a live database after a bulk load (and the servers here run with autovacuum off).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return seconds


def time_overnight_run() -> dict:
    from django.utils import timezone

    from reporting.overnight import build_day

    day = timezone.localdate() - datetime.timedelta(days=1)
    started = time.perf_counter()
    run = build_day(day, trigger="benchmark")
    seconds = time.perf_counter() - started
    if run.error:
        log(f"The overnight run FAILED after {seconds:.1f} s: {run.error}")
    else:
        log(f"Overnight run for {day}: {run.rows_written:,} rows in {seconds:.1f} s")
    return {"day": day, "seconds": seconds, "rows": run.rows_written, "error": run.error}


def demo_users():
    from demo.accounts import DEMO_PASSWORD, seed_teams_and_users

    # Idempotent; makes sure the demo users can sign in with the shared demo password.
    return seed_teams_and_users(password=DEMO_PASSWORD).users, DEMO_PASSWORD


def pick_pages(users, rng) -> list[Page]:
    """The pages measured, with real ids from the database (rotated by wrk)."""
    from django.urls import reverse

    from assessments.models import Assessment
    from referrals.models import Person

    practitioner = users["practitioner"]
    team = practitioner.team
    person_ids = list(
        Person.objects.filter(team=team).order_by("pk").values_list("pk", flat=True)[:5000]
    )
    people = rng.sample(person_ids, min(20, len(person_ids)))
    assessment_ids = list(
        Assessment.objects.filter(referral__team=team)
        .order_by("pk")
        .values_list("pk", flat=True)[:5000]
    )
    assessments = rng.sample(assessment_ids, min(20, len(assessment_ids)))
    login = reverse("accounts:login")
    return [
        Page(
            "Sign-in (POST, password check)",
            "practitioner",
            [login],
            method="POST",
        ),
        Page("My work", "practitioner", [reverse("referrals:my_work")]),
        Page(
            "Referral list, filtered (status)",
            "practitioner",
            [
                reverse("referrals:referral_list") + f"?status={status}"
                for status in ("received", "screened", "assessed", "closed")
            ],
        ),
        Page("Search by NHS number", "practitioner", []),  # paths made after sign-in
        Page("Search by name", "practitioner", []),
        Page(
            "Person page",
            "practitioner",
            [reverse("referrals:person_detail", args=[pk]) for pk in people],
        ),
        Page(
            "Assessment page",
            "practitioner",
            [reverse("assessments:assessment_detail", args=[pk]) for pk in assessments],
        ),
        # "probation" is the demo's typical officer (the median caseload, 20-60 orders: see
        # demo.treatment_requirements.caseload_sizes); "team" is their delivery unit's.
        Page(
            "Caseload (typical officer)",
            "probation",
            [reverse("treatment_requirements:caseload")],
        ),
        Page(
            "Caseload (whole team)",
            "probation",
            [reverse("treatment_requirements:caseload") + "?cases=team"],
        ),
        Page("Commissioner dashboard", "commissioner", [reverse("reporting:dashboard")]),
    ]


def search_terms(users, rng) -> tuple[list[str], list[str]]:
    from referrals.models import Person

    people = list(
        Person.objects.filter(team=users["practitioner"].team)
        .exclude(nhs_number="")
        .exclude(nhs_number__isnull=True)
        .order_by("pk")
        .values_list("nhs_number", "given_name", "family_name")[:2000]
    )
    chosen = rng.sample(people, min(10, len(people)))
    return [p[0] for p in chosen], [f"{p[1]} {p[2]}" for p in chosen]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, workers: int, env) -> subprocess.Popen:
    gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
    command = [
        str(gunicorn if gunicorn.exists() else shutil.which("gunicorn")),
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--access-logfile",
        "-" if os.environ.get("BENCH_ACCESS_LOG") else "/dev/null",
        "--log-level",
        "warning",
        "--timeout",
        "60",
        "--backlog",
        "2048",
    ]
    log_file = open(tempfile.gettempdir() + f"/ld-bench-gunicorn-{port}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(  # noqa: S603 - fixed command, our own arguments
        command, cwd=ROOT, env=env, start_new_session=True, stdout=log_file, stderr=log_file
    )
    import requests

    try:
        for _ in range(150):
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz/", timeout=5).status_code == 200:
                    return process
            except requests.RequestException:
                pass
            time.sleep(0.2)
    except BaseException:
        stop(process)
        raise
    stop(process)
    raise SystemExit(f"gunicorn did not start: see {log_file.name}")


def stop(process: subprocess.Popen):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def sign_in(base: str, username: str, password: str):
    import requests

    session = requests.Session()
    session.get(f"{base}/sign-in/", timeout=30)
    response = session.post(
        f"{base}/sign-in/",
        data={
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": f"{base}/sign-in/"},
        timeout=30,
        allow_redirects=False,
    )
    if response.status_code != 302 or "sessionid" not in session.cookies:
        raise SystemExit(f"Could not sign in as {username} (HTTP {response.status_code})")
    return session


def search_paths(base: str, session, terms: list[str]) -> list[str]:
    """Post each search (the terms never go in a URL) and keep the result pages' paths."""
    paths = []
    for term in terms:
        response = session.post(
            f"{base}/referrals/",
            data={"q": term, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
            headers={"Referer": f"{base}/referrals/"},
            allow_redirects=False,
            timeout=60,
        )
        if response.status_code != 302:
            raise SystemExit(f"Search for a term failed (HTTP {response.status_code})")
        location = urlsplit(response.headers["Location"])
        paths.append(f"{location.path}?{location.query}")
    return paths


def cookie_header(session) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)


def check_paths(base: str, session, page: Page):
    """Every path must answer 200 (not a redirect to sign-in); otherwise skip the page."""
    for path in page.paths:
        response = session.get(base + path, allow_redirects=False, timeout=120)
        if response.status_code != 200:
            page.skipped = f"{path} answered HTTP {response.status_code}"
            log(f"NOT MEASURED: {page.name}: {page.skipped}")
            return


def wait_until_idle(base: str, limit_seconds: int = 300):
    """Let gunicorn finish the requests wrk left queued (e.g. slow sign-ins) before the next
    cell, so one page's backlog is not measured as the next page's latency."""
    import requests

    deadline = time.monotonic() + limit_seconds
    while time.monotonic() < deadline:
        started = time.perf_counter()
        with contextlib.suppress(requests.RequestException):
            requests.get(f"{base}/healthz/", timeout=limit_seconds)
        if time.perf_counter() - started < 0.1:
            return
        time.sleep(0.5)


def run_wrk(base: str, page: Page, cookie: str, connections: int, duration: int) -> dict:
    script = lua_script(page.paths, cookie=cookie, method=page.method, body=page.body)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        result = subprocess.run(  # noqa: S603 - fixed command, our own arguments
            [
                shutil.which("wrk"),
                f"-t{min(connections, 2)}",
                f"-c{connections}",
                f"-d{duration}s",
                "--timeout",
                "30s",
                "-s",
                handle.name,
                base + page.paths[0],
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=duration + 120,
        )
    finally:
        os.unlink(handle.name)
    figures = parse_wrk(result.stdout)
    errors = sum(figures[k] for k in ("status_errors", "connect_errors", "read_errors", "timeouts"))
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    figures["errors"] = errors
    return figures


def capture_queries(page: Page, user, password: str) -> list[list[str]]:
    """The SQL each of the page's first paths runs, requested in-process (test Client)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    captured = []
    client = Client()
    if page.method == "POST":
        with CaptureQueriesContext(connection) as queries:
            client.post(page.paths[0], {"username": user.username, "password": password})
        return [[q["sql"] for q in queries.captured_queries]]
    client.force_login(user)
    client.get(page.paths[0])  # warm caches (content types, site settings...)
    for path in page.paths[:3]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{page.name}: {path} answered HTTP {response.status_code} in-process")
        captured.append([q["sql"] for q in queries.captured_queries])
    return captured


def time_floor(database_url: str, statements: list[str], repeat: int, explain: bool = False):
    """p50 in ms of running the page's SELECTs directly with psycopg2.

    With `explain`, also prints the slowest statements (to find what to index or reshape).
    """
    import psycopg2

    selects = [sql for sql in statements if replayable(sql)]
    connection = psycopg2.connect(database_url)
    connection.autocommit = True
    samples = []
    per_statement = [[] for _ in selects]
    try:
        with connection.cursor() as cursor:
            for _ in range(repeat + 2):
                started = time.perf_counter()
                for index, sql in enumerate(selects):
                    begun = time.perf_counter()
                    cursor.execute(sql)
                    cursor.fetchall()
                    per_statement[index].append((time.perf_counter() - begun) * 1000)
                samples.append((time.perf_counter() - started) * 1000)
    finally:
        connection.close()
    if explain:
        slowest = sorted(
            ((statistics.median(t), sql) for t, sql in zip(per_statement, selects, strict=True)),
            reverse=True,
        )
        for ms, sql in slowest[:3]:
            log(f"    {ms:8.1f} ms  {sql[:600]}")
    return statistics.median(samples[2:])


def machine() -> dict:
    from django.db import connection

    memory_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory_kb = int(line.split()[1])
    cpu = platform.processor() or ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
    wrk = subprocess.run([shutil.which("wrk"), "--version"], capture_output=True, text=True)  # noqa: S603
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "postgres": pg_version,
        "python": platform.python_version(),
        "wrk": " ".join((wrk.stdout or wrk.stderr).split()[:2]),
        "load": ", ".join(f"{x:.1f}" for x in os.getloadavg()),
    }


def fmt_ms(us) -> str:
    return f"{us / 1000:.0f}" if us >= 10_000 else f"{us / 1000:.1f}"


def report(pages, *, referrals, counts, overnight, seeded_seconds, info, args) -> str:
    header = ["Page", "SQL queries", "Floor p50 (ms)"]
    for c in args.users:
        header += [f"{c} user{'s' if c > 1 else ''}: p50 / p95 ms", "req/s"]
    header += ["Page/floor"]
    rows = []
    for page in pages:
        if page.skipped:
            rows.append([page.name, f"not measured: {page.skipped}"] + [""] * (len(header) - 2))
            continue
        counts_text = "-".join(sorted({str(n) for n in page.queries}, key=int))
        row = [page.name, counts_text, f"{page.floor_ms:.1f}"]
        for c in args.users:
            result = page.load.get(c)
            if result is None:
                row += ["-", "-"]
                continue
            if not result["requests"]:
                row += [f"no response within {args.duration} s ✗", "0"]
                continue
            flag = " ✗" if c == 10 and result["p95_us"] / 1000 > TARGET_P95_MS else ""
            errors = f" ({result['errors']} errors)" if result["errors"] else ""
            row += [
                f"{fmt_ms(result['p50_us'])} / {fmt_ms(result['p95_us'])}{flag}{errors}",
                f"{result['rps']:.0f}",
            ]
        single = page.load.get(args.users[0])
        if not single or not single["requests"]:
            row.append("-")
            rows.append(row)
            continue
        ratio = (single["p50_us"] / 1000) / page.floor_ms if page.floor_ms else 0
        row.append(f"{ratio:.1f}{' ✗' if ratio > TARGET_RATIO else ''}")
        rows.append(row)
    when = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    lines = [
        f"### {referrals:,} referrals ({when})",
        "",
        f"Data: {counts}.",
        "",
        f"Machine: {info['nproc']} CPUs ({info['cpu']}), {info['memory_gb']} GB memory, "
        f"PostgreSQL {info['postgres']}, Python {info['python']}, {info['wrk']}; "
        f"gunicorn with {args.workers} sync workers, load generator on the same machine. "
        f"Load average when the run ended: {info['load']} (other work on the machine shows "
        "here: the figures are only comparable between quiet runs).",
        "",
    ]
    if seeded_seconds is not None:
        lines += [f"Seeding (`seed_demo --referrals {referrals}`): {seeded_seconds:.0f} s.", ""]
    outcome = (
        f"FAILED after {overnight['seconds']:.1f} s ({overnight['error']})"
        if overnight["error"]
        else f"**{overnight['seconds']:.1f} s**, {overnight['rows']:,} rows written"
    )
    lines += [
        f"Overnight reporting run (snapshot for {overnight['day']}): {outcome}.",
        "",
        f"Each cell: {args.duration} s of wrk at that many concurrent connections. ✗ marks a "
        f"miss of the targets (p95 < {TARGET_P95_MS} ms at 10 users; page/floor < "
        f"{TARGET_RATIO}). SQL queries: per request, for up to three different rows of the "
        "same page (one number = constant). Page/floor: page p50 at 1 user over the p50 of "
        "its SELECT statements re-run directly with psycopg2.",
        "",
        markdown_table(rows, header),
    ]
    return "\n".join(lines)


def data_counts() -> str:
    from django.db import connection

    tables = [
        ("referrals_person", "people"),
        ("referrals_referral", "referrals"),
        ("assessments_assessment", "assessments"),
        ("treatment_requirements_order", "orders"),
        ("treatment_requirements_appointment", "appointments"),
        ("accounts_auditentry", "audit entries"),
    ]
    parts = []
    with connection.cursor() as cursor:
        for table, label in tables:
            try:
                cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names
                parts.append(f"{cursor.fetchone()[0]:,} {label}")
            except Exception:  # noqa: BLE001 - a table another app renamed: skip it
                connection.rollback() if not connection.get_autocommit() else None
    return ", ".join(parts)


def caseload_counts(officer) -> str:
    """What the caseload rows read: the typical officer's active orders and their team's."""
    from treatment_requirements.enums import OrderStatus
    from treatment_requirements.models import Order

    active = Order.objects.filter(status=OrderStatus.ACTIVE)
    own = active.filter(responsible_officer=officer).count()
    team = active.filter(probation_team_id=officer.team_id).count()
    return f"the typical officer holds {own:,} active orders, their team {team:,}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--referrals", type=int, default=100_000)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/"),
        help="PostgreSQL server (the database name is replaced by ld_bench_<referrals>)",
    )
    parser.add_argument("--duration", type=int, default=8, help="Seconds of load per cell")
    parser.add_argument("--users", type=lambda s: [int(x) for x in s.split(",")],
                        default=list(CONCURRENCY), help="Concurrent users, e.g. 1,10,50")  # fmt: skip
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--floor-repeat", type=int, default=15)
    parser.add_argument("--only", help="Measure only pages whose name contains this text")
    parser.add_argument("--no-write", action="store_true", help="Do not update the docs")
    parser.add_argument(
        "--explain", action="store_true", help="Print each page's slowest SQL statements"
    )
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install -y wrk")

    # A plain `kill` still stops gunicorn (the finally below) instead of orphaning it.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    database_url = database_url_for(args.database_url, args.referrals)
    ensure_database(database_url)
    setup_django(database_url)
    env = {**os.environ}
    rng = random.Random(2026)

    seeded_seconds = seed(args.referrals, env)
    overnight = time_overnight_run()
    users, password = demo_users()
    pages = pick_pages(users, rng)
    nhs_terms, name_terms = search_terms(users, rng)
    if args.only:
        pages = [p for p in pages if args.only.lower() in p.name.lower()]

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log(f"Starting gunicorn ({args.workers} workers) on {base}")
    server = start_gunicorn(port, args.workers, env)
    try:
        sessions = {}
        for page in pages:
            if page.method == "POST":
                page.body = (
                    f"csrfmiddlewaretoken={CSRF_SECRET}&username={page.user}&password={password}"
                )
                continue
            if page.user not in sessions:
                sessions[page.user] = sign_in(base, page.user, password)
            session = sessions[page.user]
            if page.name == "Search by NHS number":
                page.terms = nhs_terms
            elif page.name == "Search by name":
                page.terms = name_terms
            if page.terms:
                page.paths = search_paths(base, session, page.terms)
            check_paths(base, session, page)

        for page in [p for p in pages if not p.skipped]:
            log(f"\n{page.name}: {len(page.paths)} path(s)")
            captured = capture_queries_for(page, users, password)
            page.queries = [len(statements) for statements in captured]
            page.floor_ms = time_floor(
                database_url, captured[0], args.floor_repeat, explain=args.explain
            )
            log(f"  SQL queries {page.queries}, floor p50 {page.floor_ms:.1f} ms")
            if page.method == "POST":
                cookie = f"csrftoken={CSRF_SECRET}"
            else:
                cookie = cookie_header(sessions[page.user])
            for connections in args.users:
                wait_until_idle(base)
                result = run_wrk(base, page, cookie, connections, args.duration)
                page.load[connections] = result
                log(
                    f"  {connections:>3} users: p50 {fmt_ms(result['p50_us'])} ms, "
                    f"p95 {fmt_ms(result['p95_us'])} ms, {result['rps']:.0f} req/s"
                    + (f", {result['errors']} errors" if result["errors"] else "")
                )
    finally:
        stop(server)

    text = report(
        pages,
        referrals=args.referrals,
        counts=f"{data_counts()}; {caseload_counts(users['probation'])}",
        overnight=overnight,
        seeded_seconds=seeded_seconds,
        info=machine(),
        args=args,
    )
    print("\n" + text)
    if not args.no_write and not args.only:
        document = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Performance\n"
        DOC.write_text(replace_section(document, str(args.referrals), text), encoding="utf-8")
        log(f"\nWritten to {DOC.relative_to(ROOT)}")


def capture_queries_for(page: Page, users, password) -> list[list[str]]:
    if page.terms:
        return capture_search(page, users[page.user])
    return capture_queries(page, users[page.user], password)


def capture_search(page: Page, user) -> list[list[str]]:
    """Searches are posted (terms never go in a URL): post each, capture the results page."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client = Client()
    client.force_login(user)
    captured = []
    for term in page.terms[:3]:
        response = client.post(reverse("referrals:referral_list"), {"q": term})
        if response.status_code != 302:
            raise SystemExit(f"{page.name}: the search answered HTTP {response.status_code}")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(response["Location"])
        if response.status_code != 200:
            raise SystemExit(f"{page.name}: results answered HTTP {response.status_code}")
        captured.append([q["sql"] for q in queries.captured_queries])
    return captured


if __name__ == "__main__":
    main()
