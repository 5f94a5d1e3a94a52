"""The benchmark script's pure helpers (the benchmark itself is never run by the tests)."""

import importlib.util
import sys
from pathlib import Path

import pytest

_SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
sys.path.insert(0, str(_SCRIPTS))
import benchmark as bench  # noqa: E402 - scripts/ is not a package: on the path above


def test_the_bench_script_loads_and_reads_its_options():
    spec = importlib.util.spec_from_file_location("bench_script", _SCRIPTS / "bench.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)

    args = script.parse_args(["--referrals", "1000", "--users", "1,10"])

    assert (args.referrals, args.users, args.duration, args.workers) == (1000, [1, 10], 8, 3)


def test_percentile_nearest_rank():
    samples = list(range(1, 101))
    assert (bench.percentile(samples, 0.5), bench.percentile(samples, 0.95)) == (50, 95)


def test_database_url_for_keeps_the_server_and_names_the_database_by_size():
    url = bench.database_url_for("postgres://postgres@127.0.0.1:5432/ldcstr", 1_000_000)
    assert url == "postgres://postgres@127.0.0.1:5432/ld_bench_1000000"


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ('SELECT "referrals_person"."id" FROM "referrals_person"', True),
        ("  WITH x AS (SELECT 1) SELECT * FROM x", True),
        ('UPDATE "django_session" SET "expire_date" = now()', False),
        ('INSERT INTO "accounts_auditevent" VALUES (1)', False),
        ('SAVEPOINT "s1"', False),
        ('SELECT * FROM "referrals_referral" FOR UPDATE', False),
    ],
)
def test_replayable_keeps_reads_only(sql, expected):
    assert bench.replayable(sql) is expected


def test_parse_wrk_reads_the_json_line_the_lua_script_prints():
    output = 'Running 3s test\nBENCH_JSON {"requests": 10, "p50_us": 1500, "p95_us": 4000}\n'
    assert bench.parse_wrk(output) == {"requests": 10, "p50_us": 1500, "p95_us": 4000}


def test_lua_script_rotates_the_paths_and_carries_the_cookie():
    script = bench.lua_script(["/a/", "/b/?x=1"], cookie="sessionid=abc")
    assert '"/a/", "/b/?x=1"' in script
    assert '["Cookie"] = "sessionid=abc"' in script
    assert 'wrk.format("GET"' in script


def test_replace_section_replaces_only_its_own_size():
    document = "# Performance\n\n<!-- bench:results -->\n"
    document = bench.replace_section(document, "100000", "first 100k")
    document = bench.replace_section(document, "1000000", "first 1M")
    document = bench.replace_section(document, "100000", "second 100k")
    assert "second 100k" in document and "first 1M" in document
    assert "first 100k" not in document
    assert document.index("# Performance") < document.index("<!-- bench:results -->")


def test_markdown_table_has_a_header_rule_and_one_line_per_row():
    table = bench.markdown_table([["a", "1"], ["b", "2"]], ["Page", "n"])
    assert table.splitlines() == ["| Page | n |", "|---|---|", "| a | 1 |", "| b | 2 |"]


def test_page_table_marks_misses_and_pages_not_measured():
    from types import SimpleNamespace

    args = SimpleNamespace(users=[1, 10], duration=8)
    one = {"requests": 10, "p50_us": 8000, "p95_us": 9000, "errors": 0, "rps": 120.0}
    one["cpu_ms"] = {"web": 6.25, "postgres": 0.5}
    ten = {"requests": 50, "p50_us": 100_000, "p95_us": 200_000, "errors": 2, "rps": 50.0}
    ten["cpu_ms"] = {"web": 7.0, "postgres": None}
    measured = bench.Page("My work", "practitioner", ["/"], queries=[7, 7], floor_ms=2.0)
    measured.load = {1: one, 10: ten}
    skipped = bench.Page("Search", "practitioner", [], skipped="/x answered HTTP 302")

    rows = bench.page_table([measured, skipped], args).splitlines()[2:]

    assert rows == [
        "| My work | 7 | 2.0 | 8.0 / 9.0 | 120 | 6.2 / 0.5 | 100 / 200 ✗ (2 errors) | 50 "
        "| 7.0 / - | 4.0 ✗ |",
        "| Search | not measured: /x answered HTTP 302 |  |  |  |  |  |  |  |  |",
    ]


@pytest.mark.django_db
def test_pick_pages_measures_the_caseload_of_a_typical_officer_and_of_the_whole_team():
    import random

    from demo.accounts import seed_teams_and_users

    users = seed_teams_and_users().users

    pages = {p.name: p for p in bench.pick_pages(users, random.Random(1))}

    assert (
        pages["Caseload (typical officer)"].user,
        pages["Caseload (typical officer)"].paths,
    ) == (
        "probation",
        ["/orders/"],
    )
    assert (pages["Caseload (whole team)"].user, pages["Caseload (whole team)"].paths) == (
        "probation",
        ["/orders/?cases=team"],
    )


@pytest.mark.django_db
def test_caseload_counts_reports_the_officers_and_the_teams_active_orders():
    from django.utils.module_loading import import_string

    from accounts.models import User
    from treatment_requirements.models import Order

    for path in [
        "demo.accounts.seed_demo_step",
        "demo.referrals.seed_demo_step",
        "demo.assessments.seed_demo_step",
        "demo.treatment_requirements.seed_demo_step",
    ]:
        import_string(path)(referrals=1000, seed=7, password=None)
    officer = User.objects.get(username="probation")
    own = Order.objects.filter(responsible_officer=officer).count()
    team = Order.objects.filter(probation_team=officer.team).count()

    text = bench.caseload_counts(officer)

    assert text == f"the typical officer holds {own:,} active orders, their team {team:,}"
    assert 20 <= own <= 60 < team


def test_parse_stat_reads_the_parent_and_cpu_time_past_a_command_with_parentheses():
    ticks = bench.cpu.CLOCK_TICKS
    line = (
        f"4242 (gunicorn: worker (x)) S 4200 4200 4200 0 -1 4194560 900 0 0 0 "
        f"{3 * ticks} {ticks} 0 0 20 0 1 0 123 456 789"
    )

    assert bench.parse_stat(line) == (4200, 4.0)


def test_cpu_per_request_of_each_process_group_and_its_cell():
    per_request = bench.cpu_ms_per_request({"web": 2.0, "postgres": 0.5}, 400)

    assert per_request == {"web": 5.0, "postgres": 1.25}
    assert bench.fmt_cpu(per_request) == "5.0 / 1.2"
    # PostgreSQL on another machine: its backends cannot be read, the cell says so
    assert bench.fmt_cpu(bench.cpu_ms_per_request({"web": 1.0}, 100)) == "10.0 / -"
    assert bench.cpu_ms_per_request({"web": 1.0}, 0) == {"web": None, "postgres": None}


def test_the_meter_counts_a_process_first_seen_during_the_cell_from_zero(monkeypatch):
    times = {1: 10.0}
    monkeypatch.setattr(bench.cpu, "_stat", lambda pid: (0, times[pid]) if pid in times else None)
    meter = bench.CpuMeter({"web": lambda: sorted(times)}, interval=60)

    meter.start()
    times[1] = 10.5
    times[2] = 0.25  # a worker started after the cell began

    assert meter.stop() == {"web": 0.75}
