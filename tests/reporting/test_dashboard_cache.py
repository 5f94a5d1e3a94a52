"""The rendered dashboard is cached per snapshot run, disclosure rule and filters: a new
overnight run shows at once, and cached figures never cross from one viewer to another."""

import datetime
import socket

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.enums import Role
from core.cache import DegradingRedisCache
from reporting import views
from reporting.overnight import build_day
from tests.factories import ReferralFactory, UserFactory

from .known_data import NOW, SNAPSHOT_DAY

URL = reverse("reporting:dashboard")


@pytest.fixture(autouse=True)
def real_cache(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}
    }
    cache.clear()
    yield
    cache.clear()


def _by_team(client, **params):
    page = client.get(URL, params).text
    table = page[page.index('data-table="referrals-by-team"') :]
    return table[: table.index("</table>")]


def test_a_new_overnight_run_replaces_the_cached_figures(fenland_lead_client, known_data):
    before = _by_team(fenland_lead_client)
    assert ">22<" in before

    for _ in range(3):
        ReferralFactory(
            person__team=known_data.team_a,
            team=known_data.team_a,
            received_at=NOW - datetime.timedelta(days=2),
        )
    assert _by_team(fenland_lead_client) == before  # same run: the same figures

    build_day(SNAPSHOT_DAY, trigger="test")
    assert ">25<" in _by_team(fenland_lead_client)


def test_commissioner_and_team_lead_never_share_cached_figures(known_data, commissioner_client):
    lead = Client()
    lead.force_login(UserFactory(role=Role.TEAM_LEAD, team=known_data.team_b))
    norwich = {"team": known_data.team_b.pk}

    suppressed = _by_team(commissioner_client, **norwich)
    exact = _by_team(lead, **norwich)

    assert ">3<" not in suppressed  # 3 referrals: below the disclosure threshold
    assert ">3<" in exact
    assert _by_team(commissioner_client, **norwich) == suppressed


def test_a_redis_that_does_not_answer_costs_the_figures_a_computation_not_a_500(
    monkeypatch, fenland_lead_client, known_data
):
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        location = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
        # As config.settings.base configures it when REDIS_URL is set.
        options = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "retry": None}
        monkeypatch.setattr(views, "cache", DegradingRedisCache(location, {"OPTIONS": options}))

        assert ">22<" in _by_team(fenland_lead_client)  # timed out: computed
    assert ">22<" in _by_team(fenland_lead_client)  # refused: computed again
