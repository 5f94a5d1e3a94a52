"""My work's "New to me" in full: its own page, reached from My work ("See all N new to
you", the count capped), keyset paged most recent first, measured from the look My work
recorded (as the caseload's New to me page: the link carries `since`; opened directly, it
records the look itself)."""

import datetime
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from accounts.enums import Role
from accounts.models import AuditEvent
from referrals import services
from referrals.models import MyWorkLook, ReferralAllocation
from referrals.selectors import lists as selectors
from tests.factories import PersonFactory, ReferralFactory, UserFactory

pytestmark = pytest.mark.django_db

MY_WORK = reverse("referrals:my_work")
NEW = reverse("referrals:my_work_new_to_me")
REASON = "The person was moved to a court the other team covers"


@pytest.fixture
def kim(other_team):
    return UserFactory(role=Role.PRACTITIONER, team=other_team, first_name="Kim")


@pytest.fixture
def other_lead(other_team):
    return UserFactory(role=Role.TEAM_LEAD, team=other_team, first_name="Lee")


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(selectors, "NEW_TO_ME_LIMIT", 2)


def _given(team, lead, to, count, *, looked_at):
    """`count` referrals (two people) allocated to `to` by `lead`, a minute apart after
    `looked_at`; returned most recent first."""
    people = [PersonFactory(team=team) for _ in range(2)]
    referrals = [ReferralFactory(person=people[n % 2]) for n in range(count)]
    for n, referral in enumerate(referrals):
        services.referral_assign(referral=referral, assignee=to, by=lead)
        ReferralAllocation.objects.filter(referral=referral).update(
            allocated_at=looked_at + datetime.timedelta(minutes=n + 1)
        )
    return referrals[::-1]


def _listed(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-referral="(\d+)"', page)]


def _get(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _link(page: str, rel: str) -> str | None:
    found = re.search(rf'href="(\?[^"]*)" rel="{rel}"', page)
    return NEW + html.unescape(found.group(1)) if found else None


def _see_all(page: str) -> tuple[str, str]:
    found = re.search(r'href="([^"]*)" data-new-to-me-all>([^<]*)<', page)
    return html.unescape(found.group(1)), found.group(2)


def _looked(practitioner, minutes_ago=60):
    looked = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    services.my_work_look_record(user=practitioner, looked_at=looked)
    return looked


def test_my_work_links_to_every_new_referral_page_by_page(
    client, team, team_lead, practitioner, small_pages
):
    looked = _looked(practitioner)
    given = _given(team, team_lead, practitioner, 5, looked_at=looked)
    client.force_login(practitioner)

    my_work = _get(client, MY_WORK)
    url, text = _see_all(my_work)
    first = _get(client, url)
    second = _get(client, _link(first, "next"))
    last = _get(client, _link(second, "next"))

    assert _listed(my_work.split('id="new-to-me"')[1].split("</section>")[0]) == [
        r.pk for r in given[:2]
    ]
    assert text == "See all 5 new to you"
    assert (_listed(first), _listed(second), _listed(last)) == (
        [r.pk for r in given[:2]],
        [r.pk for r in given[2:4]],
        [given[4].pk],
    )
    assert _link(first, "prev") is None and _link(last, "next") is None
    assert _listed(_get(client, _link(last, "prev"))) == [r.pk for r in given[2:4]]
    # The look My work recorded stands: opening its link does not move it.
    assert MyWorkLook.objects.get(user=practitioner).looked_at > looked
    assert _listed(_get(client, NEW)) == []


def test_my_work_has_no_see_all_link_when_every_new_one_is_shown(
    client, team, team_lead, practitioner, small_pages
):
    _given(team, team_lead, practitioner, 2, looked_at=_looked(practitioner))
    client.force_login(practitioner)

    assert "data-new-to-me-all" not in _get(client, MY_WORK)


def test_my_work_see_all_count_is_capped(
    client, team, team_lead, practitioner, small_pages, monkeypatch
):
    monkeypatch.setattr(selectors, "MY_WORK_COUNT_CAP", 3)
    _given(team, team_lead, practitioner, 5, looked_at=_looked(practitioner))
    client.force_login(practitioner)

    assert _see_all(_get(client, MY_WORK))[1] == "See all 3+ new to you"


def test_new_to_me_page_past_the_end_is_empty_and_offers_the_pages_before(
    client, team, team_lead, practitioner, small_pages
):
    looked = _looked(practitioner)
    given = _given(team, team_lead, practitioner, 3, looked_at=looked)
    client.force_login(practitioner)
    since = urlencode({"since": looked.isoformat()})

    page = _get(client, f"{NEW}?{since}&after=2000-01-01T00:00:00%2B00:00_1")

    assert _listed(page) == [] and "No more." in page
    assert _listed(_get(client, _link(page, "prev"))) == [given[1].pk, given[2].pk]
    assert f'href="?{html.escape(since)}">First page' in page


def test_new_to_me_page_with_nothing_new_says_so(client, practitioner):
    client.force_login(practitioner)

    page = _get(client, NEW)

    assert "Nothing new has been allocated or transferred to you since then." in page
    assert _link(page, "next") is None and _link(page, "prev") is None


def test_new_to_me_referral_transferred_away_between_pages_drops_out_and_moves_nothing(
    client, team, team_lead, practitioner, kim, small_pages
):
    looked = _looked(practitioner)
    given = _given(team, team_lead, practitioner, 5, looked_at=looked)
    client.force_login(practitioner)
    first = _get(client, f"{NEW}?{urlencode({'since': looked.isoformat()})}")

    moved = given[2]  # the first row the next page would show
    moved.refresh_from_db()
    services.referral_transfer(
        referral=moved,
        team=kim.team,
        assignee=kim,
        reason=REASON,
        expected_version=moved.version,
        by=team_lead,
    )
    second = _get(client, _link(first, "next"))

    assert _listed(first) == [given[0].pk, given[1].pk]
    assert _listed(second) == [given[3].pk, given[4].pk]
    assert _link(second, "next") is None


def test_another_teams_practitioner_gets_nothing_of_it(
    client, team, team_lead, practitioner, kim, other_lead
):
    looked = _looked(practitioner)
    _given(team, team_lead, practitioner, 3, looked_at=looked)
    since = urlencode({"since": looked.isoformat()})

    for outsider in (kim, other_lead):
        client.force_login(outsider)
        assert _listed(_get(client, f"{NEW}?{since}")) == []
        assert _listed(_get(client, NEW)) == []


def test_new_to_me_page_is_refused_to_roles_without_referrals(client):
    commissioner = UserFactory(role=Role.COMMISSIONER)
    client.force_login(commissioner)

    assert client.get(NEW).status_code == 403


def test_new_to_me_page_opened_directly_records_the_look_and_is_audited(
    client, team, team_lead, practitioner
):
    looked = _looked(practitioner, minutes_ago=120)
    (given,) = _given(team, team_lead, practitioner, 1, looked_at=looked)
    client.force_login(practitioner)

    assert _listed(_get(client, NEW)) == [given.pk]
    assert MyWorkLook.objects.get(user=practitioner).looked_at > looked
    assert _listed(_get(client, NEW)) == []
    assert _listed(_get(client, f"{NEW}?since=yesterday")) == []  # malformed: the last look
    entry = AuditEvent.objects.filter(user=practitioner).order_by("-id").first()
    assert (entry.object_type, entry.detail) == ("referrals.my_work", "new to me")


def test_new_to_me_page_query_count_is_the_same_for_1_and_3_rows(
    client, team, team_lead, practitioner
):
    looked = _looked(practitioner)
    client.force_login(practitioner)
    url = f"{NEW}?{urlencode({'since': looked.isoformat()})}"
    client.get(url)  # the session exists from now on

    def measure(rows):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert len(_listed(response.content.decode())) == rows
        return len(captured)

    _given(team, team_lead, practitioner, 1, looked_at=looked)
    one = measure(1)
    _given(team, team_lead, practitioner, 2, looked_at=looked)
    assert measure(3) == one
