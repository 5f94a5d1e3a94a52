"""The referral list pages by keyset (core.paging), never by OFFSET or a whole-table COUNT:
Next and Previous links carry an opaque token for a cursor kept in the session (a cursor
of the name sort holds a name); every sort pages through runs of equal keys without
repeating or skipping a row; the edges (first, last, empty page, a row deleted or added
between pages) behave; filters and the search stay on every page."""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments import services as assessment_services
from referrals import views
from referrals.enums import ReferralSource, ReferralStatus, Urgency
from referrals.models import Referral
from referrals.selectors import lists as selectors
from tests.factories import PersonFactory, ReferralFactory
from tests.privacy import without_search_token

pytestmark = pytest.mark.django_db

LIST = reverse("referrals:referral_list")
SORTS = ["-received", "received", "status", "name", "urgent"]
TOKEN = re.compile(r"[\w-]{12}")


def _pks(rows):
    return [row.pk for row in rows]


def _walk(user, sort, page_size, **kwargs):
    """Every page from the first, following next_cursor; then back with previous_cursor."""
    forward, after = [], None
    while True:
        page = selectors.referral_list(
            user=user, sort=sort, after=after, page_size=page_size, **kwargs
        )
        forward.append(_pks(page.rows))
        if not (after := page.next_cursor):
            break
    backward, before = [_pks(page.rows)], page.previous_cursor
    while before:
        page = selectors.referral_list(
            user=user, sort=sort, before=before, page_size=page_size, **kwargs
        )
        backward.append(_pks(page.rows))
        before = page.previous_cursor
    return forward, backward[::-1]


@pytest.fixture
def ties(team, site, practitioner):
    """Nine referrals in runs of equal sort keys: the same moment of receipt, the same
    status, the same name, the same urgency and target; two people at risk; three
    assessed (no timeliness target: NULL in "most urgent first")."""
    moment = timezone.now() - datetime.timedelta(hours=3)
    twins = [PersonFactory(team=team, given_name="Jo", family_name="Same") for _ in range(3)]
    at_risk = PersonFactory(team=team, given_name="Ri", family_name="Risk")
    assessment_services.instrument_save(
        code="PHQ-9", answers=[0] * 8 + [1], person=at_risk, by=practitioner
    )
    made = [
        *(ReferralFactory(person=person, site=site, received_at=moment) for person in twins),
        ReferralFactory(person=at_risk, site=site, received_at=moment),
        ReferralFactory(person=at_risk, site=site, received_at=moment),
        ReferralFactory(person=twins[0], site=site, received_at=moment, urgency=Urgency.EMERGENCY),
        *(
            ReferralFactory(
                person=PersonFactory(team=team, family_name="Later"),
                site=site,
                received_at=moment - datetime.timedelta(days=1),
                status=ReferralStatus.ASSESSED,
                source=ReferralSource.MAGISTRATES_COURT,
            )
            for _ in range(3)
        ),
    ]
    return made


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("page_size", [2, 3, 4])
def test_each_sort_pages_through_ties_reaching_every_row_once_both_ways(
    practitioner, ties, sort, page_size
):
    whole = _pks(selectors.referral_list(user=practitioner, sort=sort, page_size=100).rows)

    forward, backward = _walk(practitioner, sort, page_size)

    assert sorted(whole) == sorted(r.pk for r in ties)
    assert sum(forward, []) == whole  # the one-page order, no row twice, none skipped
    assert all(len(rows) == page_size for rows in forward[:-1])
    assert backward == forward


def test_the_sorts_read_as_their_names_say(practitioner, ties):
    def order(sort):
        return _pks(selectors.referral_list(user=practitioner, sort=sort, page_size=100).rows)

    newest_first = sorted(ties, key=lambda r: (r.received_at, r.pk), reverse=True)
    assert order("-received") == _pks(newest_first)
    assert order("received") == _pks(newest_first[::-1])
    assert order("name") == _pks(
        sorted(
            newest_first,
            key=lambda r: (r.person.search_family, r.person.search_given),
        )
    )
    urgent = order("urgent")
    assert urgent[:2] == sorted(r.pk for r in ties[3:5])  # the person at risk, oldest id first
    assert urgent[2] == ties[5].pk  # emergency
    assert urgent[-3:] == [r.pk for r in ties[6:]]  # assessed: no target left, last


def test_first_and_last_pages_offer_only_the_way_back_or_on(practitioner, ties):
    first = selectors.referral_list(user=practitioner, page_size=4)
    second = selectors.referral_list(user=practitioner, page_size=4, after=first.next_cursor)
    last = selectors.referral_list(user=practitioner, page_size=4, after=second.next_cursor)

    assert first.is_first and first.previous_cursor is None and first.next_cursor
    assert not last.is_first and last.next_cursor is None and len(last.rows) == 1
    back = selectors.referral_list(user=practitioner, page_size=4, before=last.previous_cursor)
    assert _pks(back.rows) == _pks(second.rows)


def test_a_page_emptied_between_reads_is_empty_and_leads_back(practitioner, ties):
    first = selectors.referral_list(user=practitioner, page_size=7)
    gone = {r.pk for r in ties[6:]}  # the three oldest: the first page's last, then page 2
    Referral.objects.filter(pk__in=gone).delete()

    empty = selectors.referral_list(user=practitioner, page_size=7, after=first.next_cursor)

    assert empty.rows == [] and empty.next_cursor is None and not empty.is_first
    back = selectors.referral_list(user=practitioner, page_size=7, before=empty.previous_cursor)
    assert _pks(back.rows) == [pk for pk in _pks(first.rows) if pk not in gone]


@pytest.mark.parametrize("sort", SORTS)
def test_a_row_deleted_between_pages_skips_nothing(practitioner, ties, sort):
    whole = _pks(selectors.referral_list(user=practitioner, sort=sort, page_size=100).rows)
    first = selectors.referral_list(user=practitioner, sort=sort, page_size=3)
    Referral.objects.filter(pk=whole[2]).delete()  # the row the cursor was taken from

    second = selectors.referral_list(
        user=practitioner, sort=sort, page_size=3, after=first.next_cursor
    )

    assert _pks(second.rows) == whole[3:6]


@pytest.mark.parametrize("sort", SORTS)
def test_a_row_added_between_pages_is_not_shown_twice(practitioner, ties, team, site, sort):
    first = selectors.referral_list(user=practitioner, sort=sort, page_size=3)
    # Sorts first or with the very keys of the page's last row: either way not repeated.
    ReferralFactory(
        person=PersonFactory(team=team, given_name="Jo", family_name="Same"),
        site=site,
        received_at=ties[0].received_at,
    )

    rest, after = [], first.next_cursor
    while after:
        page = selectors.referral_list(user=practitioner, sort=sort, page_size=3, after=after)
        rest += _pks(page.rows)
        after = page.next_cursor

    seen = _pks(first.rows) + rest
    assert len(seen) == len(set(seen))
    assert {r.pk for r in ties} <= set(seen)


# Through the view: tokens, not cursors, in the URL; filters and search on every page --------


def _next_url(response):
    match = re.search(r'href="\?([^"]+)" rel="next"', response.content.decode())
    return f"{LIST}?{match.group(1).replace('&amp;', '&')}" if match else None


def test_next_and_previous_links_carry_a_token_with_filters_and_search_kept(
    practitioner_client, ties, monkeypatch
):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 1)
    posted = practitioner_client.post(f"{LIST}?status=received&sort=name", {"q": "same jo"})
    url = posted["Location"]
    names, urls = [], []
    while url:
        response = practitioner_client.get(url)
        urls.append(url)
        names += [r.person.family_name for r in response.context["rows"]]
        url = _next_url(response)

    assert names == ["Same"] * 4  # the twins' three referrals and the emergency one
    for url in urls[1:]:
        query = parse_qs(urlsplit(url).query)
        assert query["status"] == ["received"] and query["sort"] == ["name"]
        assert TOKEN.fullmatch(query["search"][0]) and TOKEN.fullmatch(query["after"][0])
        bare = re.sub(r"(after|before)=[\w-]+", r"\1=", without_search_token(url)).lower()
        assert "same" not in bare and "jo" not in bare
    previous = re.search(r'href="\?([^"]+)" rel="prev"', response.content.decode()).group(1)
    assert TOKEN.fullmatch(parse_qs(previous.replace("&amp;", "&"))["before"][0])


def test_a_cursor_is_never_read_from_the_url_nor_from_another_session(
    practitioner_client, practitioner, ties, monkeypatch
):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    first = practitioner_client.get(LIST, {"sort": "name"})
    token = parse_qs(first.context["next_query"])["after"][0]
    stored = practitioner_client.session[views.CURSOR_SESSION_KEY][token]
    assert "later" in stored  # the first page ends with the Laters: the name is in the session

    raw = practitioner_client.get(LIST, {"sort": "name", "after": stored})
    other_session = Client()
    other_session.force_login(practitioner)
    elsewhere = other_session.get(LIST, {"sort": "name", "after": token})

    assert raw.status_code == elsewhere.status_code == 200
    assert raw.context["page"].is_first and elsewhere.context["page"].is_first


def test_a_page_past_the_end_says_so_and_links_back(practitioner_client, ties, monkeypatch):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 7)
    first = practitioner_client.get(LIST)
    Referral.objects.filter(pk__in=[r.pk for r in ties[6:]]).delete()

    response = practitioner_client.get(f"{LIST}?{first.context['next_query']}")

    body = response.content.decode()
    assert "No more referrals." in body and 'rel="next"' not in body
    assert "First page" in body and 'rel="prev"' in body


@pytest.mark.parametrize("sort", SORTS)
def test_query_count_is_the_same_for_1_and_3_rows_in_every_sort(
    practitioner_client, team, site, sort, django_assert_num_queries
):
    ReferralFactory(person=PersonFactory(team=team), site=site)
    practitioner_client.get(LIST, {"sort": sort})  # warm the session
    with CaptureQueriesContext(connection) as one:
        practitioner_client.get(LIST, {"sort": sort})
    for _ in range(2):
        ReferralFactory(person=PersonFactory(team=team), site=site)

    with django_assert_num_queries(len(one)):
        response = practitioner_client.get(LIST, {"sort": sort})

    assert len(response.context["rows"]) == 3
    listed = [q["sql"].upper() for q in one if '"REFERRALS_REFERRAL"' in q["sql"].upper()]
    assert listed and not any("OFFSET" in sql or "COUNT(" in sql for sql in listed)
