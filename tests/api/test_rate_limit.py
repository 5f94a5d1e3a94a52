"""A rate per client (LD_API_RATE): one client over its rate gets 429 with Retry-After;
another client is not slowed by it."""

import uuid

import pytest
import redis
from django.core.cache.backends.locmem import LocMemCache
from django.urls import reverse

from api.throttling import ClientRateThrottle
from core.cache import DegradingRedisCache
from tests.factories import PersonFactory, ReferralFactory

from .conftest import bearer, token_for


@pytest.fixture
def two_a_minute(monkeypatch):
    monkeypatch.setattr(ClientRateThrottle, "rate", "2/min", raising=False)
    monkeypatch.setattr(ClientRateThrottle, "cache", LocMemCache("api-rate-test", {}))


@pytest.mark.django_db
def test_client_over_its_rate_gets_429_and_others_do_not(client, register, team, two_a_minute):
    referral = ReferralFactory(team=team, person=PersonFactory(team=team))
    url = reverse("api:referral_detail", args=[referral.pk])
    busy, busy_secret = register(team, ["referrals:read"])
    calm, calm_secret = register(team, ["referrals:read"])
    busy_auth = bearer(token_for(client, busy, busy_secret))
    calm_auth = bearer(token_for(client, calm, calm_secret))

    codes = [client.get(url, **busy_auth).status_code for _ in range(3)]
    limited = client.get(url, **busy_auth)
    other = client.get(url, **calm_auth)

    assert codes == [200, 200, 429]
    assert limited["Content-Type"] == "application/problem+json"
    assert int(limited["Retry-After"]) > 0
    assert other.status_code == 200


@pytest.mark.django_db
def test_a_clients_rate_is_counted_across_web_processes(
    client, register, team, monkeypatch, redis_url
):
    """Each web process has its own cache object and connections; with REDIS_URL they share
    Redis, so a client that spreads its requests over two processes still gets its rate once."""
    prefix = f"test-rate-{uuid.uuid4().hex}"
    options = {"KEY_PREFIX": prefix, "OPTIONS": {"socket_timeout": 0.5}}
    process_caches = [DegradingRedisCache(redis_url, options) for _ in range(2)]
    monkeypatch.setattr(ClientRateThrottle, "rate", "2/min", raising=False)
    referral = ReferralFactory(team=team, person=PersonFactory(team=team))
    url = reverse("api:referral_detail", args=[referral.pk])
    busy, busy_secret = register(team, ["referrals:read"])
    auth = bearer(token_for(client, busy, busy_secret))

    codes = []
    try:
        for number in range(4):  # first, second, first, second process
            monkeypatch.setattr(ClientRateThrottle, "cache", process_caches[number % 2])
            codes.append(client.get(url, **auth).status_code)
    finally:
        server = redis.Redis.from_url(redis_url)
        for key in server.scan_iter(match=f"{prefix}:*"):
            server.delete(key)

    assert codes == [200, 200, 429, 429]
