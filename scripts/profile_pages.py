"""Where a page's CPU goes, in-process, on the benchmark's database (docs/performance.md).

    .venv/bin/python scripts/profile_pages.py --referrals 1000000 [--requests 20]

Signs the demo users in with Django's test client against `ld_bench_<referrals>` (seeded
by `make bench`), requests each of the four heaviest list pages `--requests` times, and
prints per page the time and CPU per request, then, under cProfile, the shares of template rendering, running
SQL and the rest (building queries and model instances, middleware), and the functions
with the most time of their own.
"""

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Functions whose cumulative time is a part of the page, by what they do (shares of the
# profiled time, waiting included). Rendering includes the queries a template evaluates;
# "SQL" is running the statements, PostgreSQL's time included.
PARTS = {
    "rendering": ("django/template/backends/django.py", "render"),
    "SQL": ("django/db/backends/utils.py", "_execute"),
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--referrals", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/")
    return parser.parse_args()


def part_ms(stats: pstats.Stats, where: tuple[str, str], requests: int) -> float:
    """The cumulative time of the outermost calls of `where` (a file and function name)."""
    path, name = where
    total = 0.0
    for (file, _line, function), (_cc, _nc, _tt, _ct, callers) in stats.stats.items():
        if file.endswith(path) and function == name:
            # Only the calls from outside the function itself.
            outer = [c for c in callers if not (c[0].endswith(path) and c[2] == name)]
            total += sum(callers[c][3] for c in outer)
    return 1000 * total / requests


def main():
    args = parse_args()
    os.environ["DATABASE_URL"] = args.database_url.rstrip("/") + f"/ld_bench_{args.referrals}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault(
        "DJANGO_SECRET_KEY", "profile-pages-not-a-secret-but-long-enough-for-django"
    )
    import django

    django.setup()
    from django.test import Client
    from django.urls import reverse

    from demo.accounts import DEMO_PASSWORD, seed_teams_and_users

    users = seed_teams_and_users(password=DEMO_PASSWORD).users
    from referrals.models import Person

    person = Person.objects.filter(team=users["practitioner"].team).order_by("pk").first()
    pages = [
        ("My work", "practitioner", reverse("referrals:my_work")),
        (
            "Referral list (status)",
            "practitioner",
            reverse("referrals:referral_list") + "?status=received",
        ),
        ("Person page", "practitioner", reverse("referrals:person_detail", args=[person.pk])),
        ("Caseload (typical officer)", "probation", reverse("treatment_requirements:caseload")),
    ]
    for name, role, path in pages:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(users[role])
        for _ in range(3):  # warm: compiled queries, template cache
            if client.get(path).status_code != 200:
                raise SystemExit(f"{path} did not answer 200 for {role}")
        # Measured without the profiler (its cost is per function call), then profiled.
        started, wall = time.process_time(), time.perf_counter()
        for _ in range(args.requests):
            client.get(path)
        cpu = 1000 * (time.process_time() - started) / args.requests
        elapsed = 1000 * (time.perf_counter() - wall) / args.requests
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.requests):
            client.get(path)
        profile.disable()
        stats = pstats.Stats(profile)
        profiled = stats.total_tt * 1000 / args.requests
        shares = {
            part: part_ms(stats, where, args.requests) / profiled for part, where in PARTS.items()
        }
        print(
            f"\n{name}: {elapsed:.1f} ms a request, {cpu:.1f} ms of it CPU, "
            f"{elapsed - cpu:.1f} waiting (for PostgreSQL). Profiled: "
            + ", ".join(f"{part} {share:.0%}" for part, share in shares.items())
            + f", the rest {1 - sum(shares.values()):.0%}"
        )
        stats.sort_stats("tottime").print_stats(8)


if __name__ == "__main__":
    main()
