"""The benchmark that scripts/bench.py runs, by concern: `helpers` (pure, tested in
tests/bench/), `data` (database, seeding, the pages and what the data holds), `server`
(gunicorn, sign-in, wrk), `cpu` (the CPU time of the web workers and PostgreSQL over a
cell), `queries` (each page's SQL and its floor), `report` (the Markdown).
"""

from .cpu import CpuMeter, cpu_ms_per_request, meter_for, parse_stat
from .data import (
    caseload_counts,
    data_counts,
    demo_users,
    ensure_database,
    manage,
    pick_pages,
    search_terms,
    seed,
    setup_django,
    time_overnight_run,
)
from .helpers import (
    Page,
    database_url_for,
    log,
    lua_script,
    markdown_table,
    parse_wrk,
    percentile,
    replace_section,
    replayable,
)
from .queries import capture_queries, capture_queries_for, capture_search, time_floor
from .report import TARGET_P95_MS, TARGET_RATIO, fmt_cpu, fmt_ms, machine, page_table, report
from .server import (
    check_paths,
    cookie_header,
    free_port,
    run_wrk,
    search_paths,
    sign_in,
    start_gunicorn,
    stop,
    wait_until_idle,
)

__all__ = [
    "TARGET_P95_MS",
    "TARGET_RATIO",
    "CpuMeter",
    "Page",
    "capture_queries",
    "capture_queries_for",
    "capture_search",
    "caseload_counts",
    "check_paths",
    "cookie_header",
    "cpu_ms_per_request",
    "data_counts",
    "database_url_for",
    "demo_users",
    "ensure_database",
    "fmt_cpu",
    "fmt_ms",
    "free_port",
    "log",
    "lua_script",
    "machine",
    "manage",
    "markdown_table",
    "meter_for",
    "page_table",
    "parse_stat",
    "parse_wrk",
    "percentile",
    "pick_pages",
    "replace_section",
    "replayable",
    "report",
    "run_wrk",
    "search_paths",
    "search_terms",
    "seed",
    "setup_django",
    "sign_in",
    "start_gunicorn",
    "stop",
    "time_floor",
    "time_overnight_run",
    "wait_until_idle",
]
