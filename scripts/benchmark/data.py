"""The benchmark's database and data: created, seeded and timed through the overnight run;
the demo users, the pages measured (with real ids) and what the data holds."""

import datetime
import os
import subprocess  # runs manage.py, gunicorn and wrk with fixed arguments  # nosec B404
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from .helpers import Page, log

ROOT = Path(__file__).resolve().parent.parent.parent


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
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], check=True, env=env)  # noqa: S603 - this Python, manage.py  # nosec B603


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


def _sample_ids(queryset, rng, size: int = 20) -> list[int]:
    """Up to `size` ids drawn at random from the first 5,000 of `queryset` (by pk)."""
    ids = list(queryset.order_by("pk").values_list("pk", flat=True)[:5000])
    return rng.sample(ids, min(size, len(ids)))


def pick_pages(users, rng) -> list[Page]:
    """The pages measured, with real ids from the database (rotated by wrk)."""
    from django.urls import reverse

    from assessments.models import Assessment
    from referrals.models import Person

    team = users["practitioner"].team
    people = _sample_ids(Person.objects.filter(team=team), rng)
    assessments = _sample_ids(Assessment.objects.filter(referral__team=team), rng)
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
                cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names  # nosec B608
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
