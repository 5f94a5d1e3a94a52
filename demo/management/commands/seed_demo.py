"""Load synthetic demo data: teams and users, then each app's records.

Seeding is a list of steps (STEPS below), run in order. Each app's demo records are made by
a module of this app named for it (demo/<app>.py), whose step is a function with this
signature, its dotted path appended to STEPS:

    def seed_demo_step(*, referrals: int, seed: int, password: str | None) -> str
        '''Create this app's demo rows; return a one-line summary.'''

Steps run after the referrals exist, so they can read them (e.g. assess some referrals).
"""

import contextlib
import gc

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.module_loading import import_string

from demo.accounts import DEMO_PASSWORD
from demo.bulk import indexes_built_once_after
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


@contextlib.contextmanager
def cyclic_gc_paused():
    """Python's cycle collector off for the block, and run once after it.

    A step builds millions of tuples and rows and keeps them until it has written them:
    each of the collector's full passes went over all of them again, for almost nothing to
    collect (seeded rows hold no reference cycles). 100,000 referrals: 19.3 s of Python CPU
    with it on, 12.8 s with it off, the same peak memory. What a step's garbage holds in
    cycles is collected at its end: with the collector off, everything the step made is
    still in the young generations, so collecting those is enough (a full pass would go
    over the whole heap: 56 ms a step in a test process, for nothing more)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(1)


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
        arguments = {"referrals": referrals, "seed": seed, "password": password}
        # The last step rewrites referrals (their work-order keys): the referral table's
        # indexes are built once, after it.
        with indexes_built_once_after(Referral) as deferred:
            for path in STEPS:
                self._step(path, **arguments)
            vacuum = self._start_vacuum()
            try:
                self._step(LAST_STEP[0], **arguments)
            except BaseException:
                if vacuum:
                    vacuum.finish()
                raise
            finished = reading()
        if deferred:
            self.stdout.write(f"Referral indexes built ({reading() - finished})")
        vacuumed = self._finish_vacuum(vacuum)
        self.stdout.write(f"Seeded in {(reading() - first).plus_database(vacuumed)}")
        if password is None:
            self.stdout.write(
                "Demo users have no password: run with --demo, or set one with "
                "`manage.py changepassword <username>`."
            )

    def _step(self, path: str, **arguments) -> None:
        started = reading()
        with cyclic_gc_paused():
            summary = import_string(path)(**arguments)
        self.stdout.write(f"{summary} ({reading() - started})")

    def _start_vacuum(self) -> BackgroundVacuum | None:
        """On PostgreSQL, VACUUM ANALYZE every table but LAST_STEP's on other connections
        while it runs. Bulk loads leave the planner without statistics, and the visibility
        map empty (no index-only scans), until autovacuum runs (and it may be off): do its
        work now. None inside a transaction (as in tests), where VACUUM cannot run."""
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            return None
        return BackgroundVacuum(held_back=[LAST_STEP[1]._meta.db_table])

    def _finish_vacuum(self, vacuum: BackgroundVacuum | None) -> float | None:
        """Vacuum LAST_STEP's table too and wait for all (ANALYZE only inside a
        transaction); the vacuum's PostgreSQL CPU seconds (None when unreadable)."""
        if connection.vendor != "postgresql":
            return 0.0
        if vacuum is None:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            return 0.0
        started = reading()
        vacuumed = vacuum.finish()
        self.stdout.write(f"VACUUM ANALYZE ({(reading() - started).plus_database(vacuumed)})")
        return vacuumed
