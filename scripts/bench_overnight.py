"""Benchmark: the overnight reporting run on PostgreSQL, at growing numbers of referrals.

Seeds synthetic people and referrals with their pathway (status history, screening and
assessment times, closures, vulnerabilities) through `manage.py seed_demo`'s steps until
the database holds each size asked for, then times the overnight build of yesterday's
snapshot twice (a first build and a rebuild of the same day) and prints the time of each
fact builder, the rows written, and how the time grows with the number of referrals.
A script, not a test: it prints figures.

    psql -U postgres -h 127.0.0.1 -c "CREATE DATABASE overnight_bench"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/overnight_bench \\
        .venv/bin/python scripts/bench_overnight.py --sizes 100000,1000000

Target (issue 5): under 60 seconds for 1,000,000 referrals on a 2-core machine.
"""

import argparse
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

SEED_CHUNK = 100_000


def seed_up_to(size: int, *, full_until: int) -> None:
    """Seed in chunks with seed_demo's steps until `size` referrals exist.

    Up to `full_until` referrals every step runs (assessments, recommendations, orders,
    appointments...); beyond it only the teams and the referrals with their pathway
    (status history, screening/assessment/closure times, vulnerabilities), because the
    other steps build their rows one by one and would take most of an hour per million.
    """
    from django.utils.module_loading import import_string

    from demo.management.commands.seed_demo import STEPS
    from referrals.models import Referral

    have = Referral.objects.count()
    chunk_no = have // SEED_CHUNK
    while have < size:
        chunk = min(SEED_CHUNK, size - have)
        steps = STEPS if have < full_until else STEPS[:2]
        started = time.perf_counter()
        for path in steps:
            import_string(path)(referrals=chunk, seed=2026 + chunk_no, password=None)
        chunk_no += 1
        have = Referral.objects.count()
        print(
            f"  seeded to {have:,} referrals with {len(steps)} steps "
            f"({time.perf_counter() - started:.1f} s)",
            flush=True,
        )


def analyse() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def timed_build(day):
    """Build `day` once, timing each fact builder; returns (total seconds, per builder)."""
    from reporting import overnight, snapshots

    timings = {}
    originals = list(snapshots.BUILDERS)

    def timer(builder):
        def run(d, cutoff):
            started = time.perf_counter()
            rows = builder(d, cutoff)
            timings[builder.__name__] = (time.perf_counter() - started, rows)
            return rows

        return run

    snapshots.BUILDERS[:] = [timer(b) for b in originals]
    try:
        started = time.perf_counter()
        run = overnight.build_day(day, trigger="benchmark")
        total = time.perf_counter() - started
    finally:
        snapshots.BUILDERS[:] = originals
    if run.status != "succeeded":
        raise SystemExit(f"Build failed: {run.error}")
    return total, timings


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000", help="comma-separated referral counts")
    parser.add_argument(
        "--full-until",
        type=int,
        default=200_000,
        help="run every seed_demo step (orders, appointments...) up to this many referrals",
    )
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database: the target is PostgreSQL")
    call_command("migrate", verbosity=0)
    day = timezone.localdate() - timedelta(days=1)
    results = []
    for size in [int(s) for s in args.sizes.split(",")]:
        print(f"\n== {size:,} referrals ==", flush=True)
        seed_up_to(size, full_until=args.full_until)
        analyse()
        first, timings = timed_build(day)
        again, _ = timed_build(day)
        for name, (seconds, rows) in timings.items():
            print(f"  {name:<28} {seconds:7.2f} s  {rows:>9,} rows")
        print(f"  first build {first:.2f} s; rebuild of the same day {again:.2f} s", flush=True)
        results.append((size, first, again))
    print(
        f"\nPostgreSQL {connection.pg_version}, CPUs: {os.cpu_count()}, DB {settings.DATABASES['default']['NAME']}"
    )
    print(f"{'referrals':>12} {'build s':>9} {'rebuild s':>10} {'s per 100k':>11}")
    for size, first, again in results:
        print(f"{size:>12,} {first:>9.2f} {again:>10.2f} {first / size * 100_000:>11.2f}")
    if len(results) > 1:
        (s0, t0, _), (s1, t1, _) = results[0], results[-1]
        print(f"Growth: {s1 / s0:.0f}x the referrals took {t1 / t0:.1f}x the time")


if __name__ == "__main__":
    main()
