"""Start-up prints no warnings: Django's checks, with the database ones (run by migrate),
find nothing on the database in use (SQLite on a laptop, PostgreSQL in CI)."""

import pytest
from django.core import checks


@pytest.mark.django_db
def test_system_checks_find_nothing_on_this_database():
    messages = checks.run_checks(databases=["default"])

    assert [str(m) for m in messages if not m.is_silenced()] == []
