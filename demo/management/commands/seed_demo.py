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
from demo.stopwatch import BackgroundVacuum, reading
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
]
# Last: reads every app's screenings and risk flags, and writes only the referral table, so
# on PostgreSQL every other table is vacuumed meanwhile, on another connection.
LAST_STEP = ("demo.referrals.work_order_step", Referral)


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
            self._step(path, referrals=referrals, seed=seed, password=password)
        vacuumed = self._last_step_and_vacuum(referrals=referrals, seed=seed, password=password)
        self.stdout.write(f"Seeded in {(reading() - first).plus_database(vacuumed)}")
        if password is None:
            self.stdout.write(
                "Demo users have no password: run with --demo, or set one with "
                "`manage.py changepassword <username>`."
            )

    def _step(self, path: str, **arguments) -> None:
        started = reading()
        summary = import_string(path)(**arguments)
        self.stdout.write(f"{summary} ({reading() - started})")

    def _last_step_and_vacuum(self, **arguments) -> float | None:
        """Run LAST_STEP; on PostgreSQL, VACUUM ANALYZE every table meanwhile (but the one it
        writes, done after it); the vacuum's CPU seconds (None when unreadable)."""
        path, model = LAST_STEP
        if connection.vendor != "postgresql":
            self._step(path, **arguments)
            return 0.0
        # Bulk loads leave the planner without statistics, and the visibility map empty (no
        # index-only scans), until autovacuum runs (and it may be off): do its work now.
        # VACUUM cannot run inside a transaction (as in tests): ANALYZE only there.
        if connection.in_atomic_block:
            self._step(path, **arguments)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            return 0.0
        vacuum = BackgroundVacuum(held_back=[model._meta.db_table])
        try:
            self._step(path, **arguments)
        finally:
            started = reading()
            vacuumed = vacuum.finish()
        self.stdout.write(f"VACUUM ANALYZE ({(reading() - started).plus_database(vacuumed)})")
        return vacuumed
