"""Seed data built once per test module, for tests that only read it.

`built_once` opens a transaction for the module, builds the data in it and rolls it back
after the module's last test. Each test's own transaction (pytest-django's `db`) nests in
it as a savepoint, so whatever a test writes on top of the seed is gone when the test ends.
The suite-wide log check still looks for the seeded people: in the build's logs here, and
in each test's logs through `note_seeded_people`.
"""

from contextlib import contextmanager

import pytest
from django.db import transaction

from tests.conftest import log_records, note_people_saved, people_saved, personal_data_in_logs


@contextmanager
def built_once(django_db_blocker, build):
    """`build()`'s data and the people it saved, rolled back when the block ends."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    try:
        with django_db_blocker.unblock(), people_saved() as people, log_records() as records:
            data = build()
        leak = personal_data_in_logs(records, people)
        if leak:
            pytest.fail(f"Personal data of a person saved in the seed was logged: {leak}", False)
        yield data, people
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def note_seeded_people(people):
    """The running test's log check looks for the seeded people too."""
    note_people_saved(people)
