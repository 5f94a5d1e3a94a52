"""Shared fixtures.

Tests that need the real PostgreSQL, Redis or a browser use the fixtures below. Without
those services they are skipped on a laptop, but when REQUIRE_SERVICES=1 (as in CI) a
missing service is a failure, never a skip.
"""

import contextlib
import logging
import os
import re
import shutil
import uuid

import pytest
from django.db import connection

from accounts.enums import Role

from . import databases
from .factories import SiteFactory, TeamFactory, UserFactory
from .ordering import long_tests_apart

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def missing_service(reason: str):
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


AUDIT_TRUNCATE_TRIGGER = "accounts_auditevent_no_truncate"


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_modify_db_settings,
    django_db_keepdb,
    django_db_createdb,
):
    """The test databases, with two changes to what the migrations built:
    - no trigger refusing TRUNCATE on the audit table (accounts 0004): after each
      transactional (browser) test every table is emptied, with TRUNCATE where the database
      user is not a superuser (tests/fast_flush_postgresql);
      tests/accounts/test_audit_chain.py puts it back to show it refuses;
    - no role requiring two-factor sign-in (below).
    A parallel run on PostgreSQL migrates once and copies the result to each worker
    (tests/databases.py: fresh copies every run, --reuse-db or not); otherwise
    pytest-django's own setup, as its fixture does it (--reuse-db keeps the database)."""
    from django.test.utils import setup_databases, teardown_databases

    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        if databases.clones_a_template():
            original_name = databases.create_from_template(_prepare_test_database, verbosity)
            yield
            connection.creation.destroy_test_db(original_name, verbosity=verbosity)
            return
        keepdb = django_db_keepdb and not django_db_createdb
        config = setup_databases(verbosity=verbosity, interactive=False, keepdb=keepdb)
        _prepare_test_database()
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            teardown_databases(config, verbosity=verbosity)


def _prepare_test_database():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"DROP TRIGGER IF EXISTS {AUDIT_TRUNCATE_TRIGGER} ON accounts_auditevent"
            )
    _no_role_requires_two_factor()


def _no_role_requires_two_factor():
    """Migration accounts 0005 requires two-factor sign-in of administrators, commissioners
    and team leads. The tests start with no role requiring it, as the rows a transactional
    test's flush removes would otherwise come and go with the order the tests run in; the
    tests of the requirement switch it on (tests/accounts/test_two_factor_roles.py
    `two_factor_by_default`), and tests/accounts/test_two_factor_roles.py checks the
    migration's defaults."""
    from accounts.models import RolePolicy

    RolePolicy.objects.update(require_two_factor=False)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test ends by emptying every table (its fixtures' teardown), the coded
    lists the migrations load (ethnicities, offence categories, vulnerabilities) too: load
    them again, or a test after it on the same worker finds none (seeding the demo failed
    that way, depending on which worker ran what)."""
    yield
    if nextitem is None:  # the worker's last test: its test database is gone by now
        return
    marker = item.get_closest_marker("django_db")
    if "transactional_db" in getattr(item, "fixturenames", ()) or (
        marker is not None and marker.kwargs.get("transaction")
    ):
        from pytest_django.plugin import blocking_manager_key

        from tests.referrals.helpers import ensure_reference_data

        with item.config.stash[blocking_manager_key].unblock():
            ensure_reference_data()


@pytest.fixture
def postgres(db):
    """The test runs on PostgreSQL (set DATABASE_URL)."""
    if connection.vendor != "postgresql":
        missing_service("this test needs PostgreSQL: set DATABASE_URL")


@pytest.fixture(scope="session")
def redis_url():
    from django.conf import settings

    if not settings.REDIS_URL:
        missing_service("this test needs Redis: set REDIS_URL")
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as exc:
        missing_service(f"Redis at REDIS_URL is not reachable: {exc}")
    return settings.REDIS_URL


@pytest.fixture(scope="session")
def chromium_path():
    path = (
        os.environ.get("CHROMIUM_PATH")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )
    if not path:
        missing_service("this test needs Debian's chromium package (apt-get install chromium)")
    return path


@pytest.fixture
def team(db):
    return TeamFactory(name="Cambridgeshire & Peterborough L&D")


@pytest.fixture
def other_team(db):
    return TeamFactory(name="Westminster custody L&D")


@pytest.fixture
def site(team):
    return SiteFactory(team=team, name="Parkside custody suite")


@pytest.fixture
def practitioner(team):
    return UserFactory(role=Role.PRACTITIONER, team=team, username="practitioner")


@pytest.fixture
def team_lead(team):
    return UserFactory(role=Role.TEAM_LEAD, team=team, username="lead")


@pytest.fixture
def outsider(other_team):
    """A practitioner of another team: must never see this team's people."""
    return UserFactory(role=Role.PRACTITIONER, team=other_team, username="outsider")


@pytest.fixture
def practitioner_client(client, practitioner):
    client.force_login(practitioner)
    return client


@pytest.fixture
def outsider_client(client, outsider):
    client.force_login(outsider)
    return client


# Suite-wide log check (issue 7, section 6): no log line written during a test may hold the
# name or an identifier of a person saved during that test. A handler on the root logger
# keeps the test's log records; a post_save receiver notes the people saved; at teardown
# each record's message (after the production scrubbing, which is what leaves the process)
# is searched for them. Opt out with @pytest.mark.allows_personal_data_in_logs (only for a
# test that logs personal data on purpose, e.g. to prove the scrubbing).
class _KeepRecords(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.NOTSET)
        self.records = []

    def emit(self, record):
        self.records.append(record)


_LOG_RECORDS = _KeepRecords()
_PEOPLE_SAVED = []


def pytest_collection_modifyitems(config, items):
    """Tests marked `minutes(n)` go first, each at the head of a different worker's queue.
    Their minutes go to another process (the DAST scanner, Chromium crawling every page), so
    started first they run beside the rest of the suite; started last, the whole suite
    waited for them, and two on one worker waited for each other."""
    workers = getattr(config, "workerinput", {}).get("workercount", 1)
    items[:] = long_tests_apart(items, workers)


def pytest_configure(config):
    if getattr(config.option, "numprocesses", None) and not hasattr(config, "workerinput"):
        # The controller names the run (xdist's --testrunuid), so that it can drop the
        # workers' template database at the end (tests/databases.py).
        config.option.testrunuid = config.option.testrunuid or uuid.uuid4().hex
    config.addinivalue_line(
        "markers", "allows_personal_data_in_logs: skip the suite-wide personal-data log check"
    )


def pytest_sessionfinish(session):
    if getattr(session.config.option, "numprocesses", None) and not hasattr(
        session.config, "workerinput"
    ):
        from pytest_django.plugin import blocking_manager_key

        with session.config.stash[blocking_manager_key].unblock():
            databases.drop_template(session.config.option.testrunuid)


def _note_person_saved(sender, instance, **kwargs):
    _PEOPLE_SAVED.append(
        (
            instance.given_name,
            instance.family_name,
            instance.nhs_number,
            instance.pnc_id,
            instance.cro_number,
        )
    )


@pytest.fixture(scope="session", autouse=True)
def _log_check_installed():
    from django.db.models.signals import post_save

    from referrals.models import Person

    logging.getLogger().addHandler(_LOG_RECORDS)
    post_save.connect(_note_person_saved, sender=Person, dispatch_uid="tests-log-check")
    yield
    post_save.disconnect(sender=Person, dispatch_uid="tests-log-check")
    logging.getLogger().removeHandler(_LOG_RECORDS)


def note_people_saved(people):
    """Count `people` (as people_saved() collected them) as saved in the running test: for
    data seeded once per module, which the log check must still look for."""
    _PEOPLE_SAVED.extend(people)


@contextlib.contextmanager
def people_saved():
    """The people saved inside the block, in the form the log check searches for."""
    start = len(_PEOPLE_SAVED)
    people = []
    yield people
    people.extend(_PEOPLE_SAVED[start:])


@contextlib.contextmanager
def log_records():
    """The log records written inside the block."""
    start = len(_LOG_RECORDS.records)
    records = []
    yield records
    records.extend(_LOG_RECORDS.records[start:])


def _personal_data_pattern(saved):
    values = set()
    for given, family, *identifiers in saved:
        values.update(name for name in (given, family) if name and len(name) >= 3)
        for identifier in identifiers:
            if identifier:
                values.add(identifier)
                if identifier.isdigit() and len(identifier) == 10:  # NHS number, spaced
                    values.add(f"{identifier[:3]} {identifier[3:6]} {identifier[6:]}")
    values.discard("Anonymised")  # the retention rule's placeholder
    if not values:
        return None
    alternatives = "|".join(sorted(map(re.escape, values), key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


@pytest.fixture(autouse=True)
def _no_personal_data_in_logs(request, _log_check_installed):
    _LOG_RECORDS.records.clear()
    _PEOPLE_SAVED.clear()
    yield
    records, saved = list(_LOG_RECORDS.records), list(_PEOPLE_SAVED)
    _LOG_RECORDS.records.clear()
    _PEOPLE_SAVED.clear()
    if request.node.get_closest_marker("allows_personal_data_in_logs"):
        return
    leak = personal_data_in_logs(records, saved)
    if leak:
        pytest.fail(f"Personal data of a person saved in this test was logged: {leak}", False)


def personal_data_in_logs(records, saved) -> str | None:
    """Where a log record (as scrubbed for output) holds a saved person's data, or None."""
    if not records or not saved:
        return None
    pattern = _personal_data_pattern(saved)
    if pattern is None:
        return None
    from core.logging import scrub

    for record in records:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken log call is not this check's business
            message = str(record.msg)
        text = scrub(message + ("\n" + record.exc_text if record.exc_text else ""))
        found = pattern.search(text)
        if found:
            start = max(found.start() - 40, 0)
            return f"{record.name} {record.levelname}: ...{text[start : found.end() + 40]}"
    return None
