"""Load synthetic demo data: teams and users, then each app's records.

Seeding is a list of steps (STEPS below), run in order. Each app's demo records are made by
a module of this app named for it (demo/<app>.py), whose step is a function with this
signature, its dotted path appended to STEPS:

    def seed_demo_step(*, referrals: int, seed: int, password: str | None) -> str
        '''Create this app's demo rows; return a one-line summary.'''

Steps run after the referrals exist, so they can read them (e.g. assess some referrals).
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.module_loading import import_string

from demo.accounts import DEMO_PASSWORD
from demo.stopwatch import reading, vacuum_analyze
from referrals.models import Referral

STEPS = [
    "demo.accounts.seed_demo_step",
    "demo.referrals.seed_demo_step",
    "demo.assessments.seed_demo_step",
    "demo.risks.seed_demo_step",
    "demo.treatment_requirements.seed_demo_step",
    "demo.contacts.seed_demo_step",  # contact details of people with an order
    "demo.contact_log.seed_demo_step",
    "demo.documents.seed_demo_step",
    "demo.referrals.work_order_step",  # last: reads every app's screenings and risk flags
]


class Command(BaseCommand):
    help = "Create synthetic demo teams, users, people and referrals (no real data)."

    def add_arguments(self, parser):
        parser.add_argument("--referrals", type=int, default=300, help="How many referrals")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed")
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if referrals already exist"
        )
        parser.add_argument(
            "--demo",
            "--demo-passwords",
            dest="demo",
            action="store_true",
            help="Give every demo user the shared demo password (also when DEBUG is on)",
        )

    def handle(self, *args, referrals, seed, if_empty, demo, **options):
        if referrals < 0:
            raise CommandError("--referrals must be 0 or more")
        if if_empty and Referral.objects.exists():
            self.stdout.write("Demo data already present: nothing to do.")
            return
        password = DEMO_PASSWORD if (demo or settings.DEBUG) else None
        first = reading()
        for path in STEPS:
            started = reading()
            summary = import_string(path)(referrals=referrals, seed=seed, password=password)
            self.stdout.write(f"{summary} ({reading() - started})")
        vacuumed = 0.0
        if connection.vendor == "postgresql":
            # Bulk loads leave the planner without statistics, and the visibility map empty
            # (no index-only scans), until autovacuum runs (and it may be off): do its work
            # now. VACUUM cannot run inside a transaction (as in tests): ANALYZE only there.
            if connection.in_atomic_block:
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            else:
                started = reading()
                vacuumed = vacuum_analyze()
                self.stdout.write(
                    f"VACUUM ANALYZE ({(reading() - started).plus_database(vacuumed)})"
                )
        self.stdout.write(f"Seeded in {(reading() - first).plus_database(vacuumed)}")
        if password is None:
            self.stdout.write(
                "Demo users have no password: run with --demo, or set one with "
                "`manage.py changepassword <username>`."
            )
