"""The benchmark's figures as Markdown: the machine, the data, the overnight run and one row
per page (queries, floor, latency at each number of users, page/floor)."""

import datetime
import os
import platform
import shutil
import subprocess  # runs manage.py, gunicorn and wrk with fixed arguments  # nosec B404
from pathlib import Path

from .helpers import Page, markdown_table

TARGET_P95_MS = 150
TARGET_RATIO = 3


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
    wrk = subprocess.run([shutil.which("wrk"), "--version"], capture_output=True, text=True)  # noqa: S603 - runs wrk --version only  # nosec B603
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


def fmt_cpu(cpu_ms: dict | None) -> str:
    """CPU ms per request, "web / PostgreSQL" ("-" for what was not measured)."""
    cpu_ms = cpu_ms or {}
    return " / ".join(
        "-" if cpu_ms.get(name) is None else f"{cpu_ms[name]:.1f}" for name in ("web", "postgres")
    )


def _load_cells(page: Page, users: int, duration: int) -> list[str]:
    """The p50 / p95, req/s and CPU per request cells for one number of concurrent users."""
    result = page.load.get(users)
    if result is None:
        return ["-", "-", "-"]
    if not result["requests"]:
        return [f"no response within {duration} s ✗", "0", "-"]
    flag = " ✗" if users == 10 and result["p95_us"] / 1000 > TARGET_P95_MS else ""
    errors = f" ({result['errors']} errors)" if result["errors"] else ""
    return [
        f"{fmt_ms(result['p50_us'])} / {fmt_ms(result['p95_us'])}{flag}{errors}",
        f"{result['rps']:.0f}",
        fmt_cpu(result.get("cpu_ms")),
    ]


def _ratio_cell(page: Page, users: int) -> str:
    """Page p50 with one user over the floor, marked when it misses TARGET_RATIO."""
    single = page.load.get(users)
    if not single or not single["requests"]:
        return "-"
    ratio = (single["p50_us"] / 1000) / page.floor_ms if page.floor_ms else 0
    return f"{ratio:.1f}{' ✗' if ratio > TARGET_RATIO else ''}"


def page_table(pages: list[Page], args) -> str:
    header = ["Page", "SQL queries", "Floor p50 (ms)"]
    for c in args.users:
        header += [f"{c} user{'s' if c > 1 else ''}: p50 / p95 ms", "req/s", "CPU ms/req"]
    header += ["Page/floor"]
    rows = []
    for page in pages:
        if page.skipped:
            rows.append([page.name, f"not measured: {page.skipped}"] + [""] * (len(header) - 2))
            continue
        counts_text = "-".join(sorted({str(n) for n in page.queries}, key=int))
        row = [page.name, counts_text, f"{page.floor_ms:.1f}"]
        for c in args.users:
            row += _load_cells(page, c, args.duration)
        rows.append([*row, _ratio_cell(page, args.users[0])])
    return markdown_table(rows, header)


def report(pages, *, referrals, counts, overnight, seeded_seconds, info, args) -> str:
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
        "its SELECT statements re-run directly with psycopg2. CPU ms/req: CPU time of the "
        "gunicorn workers / of the PostgreSQL backends of this database over the cell "
        "(/proc/<pid>/stat), divided by the requests served.",
        "",
        page_table(pages, args),
    ]
    return "\n".join(lines)
