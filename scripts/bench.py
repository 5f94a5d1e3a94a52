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
   Over each cell it also reads the CPU time (/proc/<pid>/stat) of gunicorn's workers and
   of the PostgreSQL backends of the benchmark's database: CPU milliseconds per request,
   which other work on a shared machine disturbs far less than latency.
4. For each page, requests it once in-process with Django's test Client inside
   CaptureQueriesContext: the number of SQL queries, and "the floor": the same SELECT
   statements re-run directly with psycopg2 and timed. Page p50 (1 user) / floor = the ratio.
5. Prints a table and writes it to docs/performance.md (between markers for this size).
"""

import argparse
import os
import random
import shutil
import signal
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))  # the benchmark package, also when loaded by path

from benchmark import (  # noqa: E402 - after the path is set
    Page,
    capture_queries_for,
    caseload_counts,
    check_paths,
    cookie_header,
    cpu_ms_per_request,
    data_counts,
    database_url_for,
    demo_users,
    ensure_database,
    fmt_cpu,
    fmt_ms,
    free_port,
    log,
    machine,
    meter_for,
    pick_pages,
    replace_section,
    report,
    run_wrk,
    search_paths,
    search_terms,
    seed,
    setup_django,
    sign_in,
    start_gunicorn,
    stop,
    time_floor,
    time_overnight_run,
    wait_until_idle,
)

DOC = ROOT / "docs" / "performance.md"
CONCURRENCY = (1, 10, 50)
CSRF_SECRET = "benchbenchbenchbenchbenchbench32"  # noqa: S105 - a CSRF secret for wrk's POSTs  # nosec B105


def parse_args(argv=None) -> argparse.Namespace:
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
    return parser.parse_args(argv)


def sign_in_pages(base: str, pages: list[Page], password: str, terms: dict) -> dict:
    """Sessions of the pages' users, the searches' result paths (`terms` by page name) and
    each page's paths checked; the sign-in page gets its form body instead."""
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
        page.terms = terms.get(page.name, page.terms)
        if page.terms:
            page.paths = search_paths(base, session, page.terms)
        check_paths(base, session, page)
    return sessions


def measure(page: Page, *, base: str, server, sessions: dict, users, password, database_url, args):
    """The page's SQL and floor, then wrk at each number of users, with the CPU time the
    web workers and PostgreSQL spent over each cell."""
    log(f"\n{page.name}: {len(page.paths)} path(s)")
    captured = capture_queries_for(page, users, password)
    page.queries = [len(statements) for statements in captured]
    page.floor_ms = time_floor(database_url, captured[0], args.floor_repeat, explain=args.explain)
    log(f"  SQL queries {page.queries}, floor p50 {page.floor_ms:.1f} ms")
    if page.method == "POST":
        cookie = f"csrftoken={CSRF_SECRET}"
    else:
        cookie = cookie_header(sessions[page.user])
    for connections in args.users:
        wait_until_idle(base)
        meter = meter_for(server.pid, urlsplit(database_url).path.lstrip("/")).start()
        result = run_wrk(base, page, cookie, connections, args.duration)
        result["cpu_ms"] = cpu_ms_per_request(meter.stop(), result["requests"])
        page.load[connections] = result
        log(
            f"  {connections:>3} users: p50 {fmt_ms(result['p50_us'])} ms, "
            f"p95 {fmt_ms(result['p95_us'])} ms, {result['rps']:.0f} req/s, "
            f"CPU per request {fmt_cpu(result['cpu_ms'])} ms (web / PostgreSQL)"
            + (f", {result['errors']} errors" if result["errors"] else "")
        )


def write_report(text: str, args):
    print("\n" + text)
    if not args.no_write and not args.only:
        document = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Performance\n"
        DOC.write_text(replace_section(document, str(args.referrals), text), encoding="utf-8")
        log(f"\nWritten to {DOC.relative_to(ROOT)}")


def main(argv=None):
    args = parse_args(argv)
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install -y wrk")

    # A plain `kill` still stops gunicorn (the finally below) instead of orphaning it.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    database_url = database_url_for(args.database_url, args.referrals)
    ensure_database(database_url)
    setup_django(database_url)
    env = {**os.environ}
    rng = random.Random(2026)  # noqa: S311 - seeded, repeatable demo data, not a secret  # nosec B311

    seeded_seconds = seed(args.referrals, env)
    overnight = time_overnight_run()
    users, password = demo_users()
    pages = pick_pages(users, rng)
    nhs_terms, name_terms = search_terms(users, rng)
    terms = {"Search by NHS number": nhs_terms, "Search by name": name_terms}
    if args.only:
        pages = [p for p in pages if args.only.lower() in p.name.lower()]

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log(f"Starting gunicorn ({args.workers} workers) on {base}")
    access_log = bool(os.environ.get("BENCH_ACCESS_LOG"))
    server = start_gunicorn(port, args.workers, env, access_log=access_log)
    try:
        sessions = sign_in_pages(base, pages, password, terms)
        for page in [p for p in pages if not p.skipped]:
            measure(
                page,
                base=base,
                server=server,
                sessions=sessions,
                users=users,
                password=password,
                database_url=database_url,
                args=args,
            )
    finally:
        stop(server)

    counts = f"{data_counts()}; {caseload_counts(users['probation'])}"
    info = machine()
    text = report(
        pages,
        referrals=args.referrals,
        counts=counts,
        overnight=overnight,
        seeded_seconds=seeded_seconds,
        info=info,
        args=args,
    )
    write_report(text, args)


if __name__ == "__main__":
    main()
