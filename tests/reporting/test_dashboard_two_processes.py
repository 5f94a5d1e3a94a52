"""Two gunicorn instances on their own ports, sharing the PostgreSQL database and one Redis,
serve the commissioner dashboard from one cache entry: figures one process computed are the
figures the other shows, so adding web processes does not add computations.

The proof is the figures themselves: after the first process has answered, the snapshot's
facts are deleted from the database, so a second process that computed again would show no
referrals; it shows the first process's figures, and Redis holds one dashboard entry. Asked
for another filter, the same second process computes (there are no referrals now), which
shows it reads the same database and could have computed. Needs PostgreSQL and Redis (a
failure under REQUIRE_SERVICES=1).
"""

import datetime
import os
import re
import subprocess  # starts gunicorn with fixed arguments  # nosec B404
import sys
import uuid

import pytest
import redis
import requests
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role, TeamKind
from reporting.models import FACT_TABLES
from reporting.overnight import build_day
from tests.factories import PersonFactory, ReferralFactory, TeamFactory, UserFactory

sys.path.insert(0, str(settings.BASE_DIR / "scripts"))
from benchmark.server import free_port, start_gunicorn, stop  # noqa: E402 - scripts/ is not a package

pytestmark = pytest.mark.django_db(transaction=True)

URL = reverse("reporting:dashboard")


def _test_database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}{port}/{db['NAME']}"


def _gunicorn(port: int, environment: dict, log_path) -> subprocess.Popen:
    """One web instance as the Dockerfile runs it (one worker: one process per instance)."""
    try:
        return start_gunicorn(port, 1, environment, log_path=str(log_path))
    except SystemExit as exc:
        pytest.fail(str(exc))


@pytest.fixture
def shared_cache(redis_url):
    """(Redis client, key prefix): a prefix of this test's own, its keys deleted after."""
    server, prefix = redis.Redis.from_url(redis_url), f"test-two-processes-{uuid.uuid4().hex}"
    yield server, prefix
    for key in server.scan_iter(match=f"{prefix}:*"):
        server.delete(key)


@pytest.fixture
def two_web_processes(postgres, redis_url, shared_cache, tmp_path):
    """The base URLs of two gunicorn instances with the production cache settings: the
    test database, REDIS_URL and one key prefix (config.settings.base, not the test
    settings' dummy cache)."""
    environment = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": redis_url,
        "LD_CACHE_KEY_PREFIX": shared_cache[1],
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
    }
    processes, bases = [], []
    try:
        for name in ("first", "second"):
            port = free_port()
            processes.append(_gunicorn(port, environment, tmp_path / f"gunicorn-{name}.log"))
            bases.append(f"http://127.0.0.1:{port}")
        yield bases
    finally:
        for process in processes:
            stop(process)


@pytest.fixture
def snapshot_of_thirteen_referrals():
    """Fenland (7) and Norwich (6) referrals of last week in today's snapshot."""
    received = timezone.now() - datetime.timedelta(days=7)
    for name, count in (("Fenland L&D", 7), ("Norwich L&D", 6)):
        team = TeamFactory(name=name)
        for _ in range(count):
            ReferralFactory(person=PersonFactory(team=team), received_at=received)
    build_day(timezone.localdate(), trigger="test")


def _signed_in_commissioner() -> requests.Session:
    """A commissioner's session, kept in the shared database: either process accepts it."""
    team = TeamFactory(name="NHS England commissioning", kind=TeamKind.COMMISSIONER)
    client = Client()
    client.force_login(UserFactory(role=Role.COMMISSIONER, team=team))
    session = requests.Session()
    session.cookies.set(
        settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value
    )
    return session


def _headlines(session, base, **params) -> list[str]:
    response = session.get(base + URL, params=params, timeout=30)
    assert response.status_code == 200
    block = response.text[response.text.index('id="headlines"') :]
    block = block[: block.index("</ul>")]
    return re.findall(r'app-count-card__number">([^<]*)<', block)


def _dashboard_entries(shared_cache) -> int:
    server, prefix = shared_cache
    return sum(1 for _ in server.scan_iter(match=f"{prefix}:*:reporting:dashboard:*"))


def test_second_process_serves_the_figures_the_first_one_computed(
    two_web_processes, snapshot_of_thirteen_referrals, shared_cache
):
    first, second = two_web_processes
    commissioner = _signed_in_commissioner()

    computed = _headlines(commissioner, first)
    assert computed[0] == "15"  # 13 referrals, rounded to the nearest 5 for a commissioner
    assert _dashboard_entries(shared_cache) == 1

    for model in FACT_TABLES:  # a computation from now on finds no referrals
        model.objects.all().delete()
    served = _headlines(commissioner, second)
    assert served == computed
    assert _dashboard_entries(shared_cache) == 1

    # Other filters are another entry: the second process computes it from the same database.
    assert _headlines(commissioner, second, period="last-3-months")[0] == "0"
    assert _dashboard_entries(shared_cache) == 2
