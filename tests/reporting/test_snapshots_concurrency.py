"""Two snapshot builds of the same day at once leave one copy of the figures (PostgreSQL)."""

import datetime
import threading

import pytest
from django.db import connection
from django.db.models import Sum

from reporting.models import CohortReferralFact
from reporting.snapshots import rebuild_day
from tests.factories import ReferralFactory

DAY = datetime.date.today()


@pytest.mark.django_db(transaction=True)
def test_concurrent_rebuilds_of_a_day_do_not_double_count(postgres):
    ReferralFactory.create_batch(5)
    errors = []

    def build():
        try:
            rebuild_day(DAY)
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=build) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    total = CohortReferralFact.objects.filter(snapshot_date=DAY).aggregate(n=Sum("referrals"))["n"]
    assert total == 5
