import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.enums import AuditAction
from accounts.models import AuditEvent
from referrals.enums import ReferralSource, ReferralStatus
from tests.factories import PersonFactory, ReferralFactory, SiteFactory
from tests.privacy import without_search_token

LIST = reverse("referrals:referral_list")


def _search(client, text, query=""):
    response = client.post(f"{LIST}{query}", {"q": text})
    assert response.status_code == 302, response.content.decode()[:500]
    return client.get(response["Location"]), response["Location"]


def _referral(team, site, **person):
    return ReferralFactory(person=PersonFactory(team=team, **person), site=site)


@pytest.mark.django_db
def test_list_shows_only_the_teams_referrals(practitioner_client, team, site, other_team):
    _referral(team, site, family_name="Ours")
    _referral(other_team, SiteFactory(team=other_team), family_name="Theirs")

    body = practitioner_client.get(LIST).content.decode()

    assert "OURS" in body
    assert "THEIRS" not in body


@pytest.mark.django_db
def test_search_by_name_ignores_accents_case_and_order(practitioner_client, team, site):
    _referral(team, site, given_name="Zoë", family_name="O'Brien")
    _referral(team, site, given_name="Sam", family_name="Other")

    response, location = _search(practitioner_client, "obrien ZOE")

    body = response.content.decode()
    assert "O&#x27;BRIEN" in body
    assert "OTHER" not in body
    assert "brien" not in without_search_token(location).lower()
    assert "zoe" not in without_search_token(location).lower()


@pytest.mark.django_db
def test_search_by_partial_name(practitioner_client, team, site):
    _referral(team, site, given_name="Jonathan", family_name="Whitfield")

    response, _ = _search(practitioner_client, "whitf")

    assert "WHITFIELD" in response.content.decode()


@pytest.mark.django_db
def test_search_by_nhs_number_with_spaces(practitioner_client, team, site):
    _referral(team, site, family_name="Wanted", nhs_number="9434765919")
    _referral(team, site, family_name="Unwanted")

    response, location = _search(practitioner_client, "943 476 5919")

    body = response.content.decode()
    assert "WANTED" in body and "UNWANTED" not in body
    assert "9434765919" not in location and "943" not in without_search_token(location)


@pytest.mark.django_db
def test_search_by_short_form_pnc_id(practitioner_client, team, site):
    _referral(team, site, family_name="Wanted", pnc_id="1979/0163001B")
    _referral(team, site, family_name="Unwanted")

    response, _ = _search(practitioner_client, "79/163001b")

    body = response.content.decode()
    assert "WANTED" in body and "UNWANTED" not in body


@pytest.mark.django_db
def test_search_with_invalid_nhs_number_says_why(practitioner_client):
    response = practitioner_client.post(LIST, {"q": "943 476 5918"})

    assert response.status_code == 400
    assert "This is not a valid NHS number" in response.content.decode()


@pytest.mark.django_db
def test_search_is_audited_without_the_search_text(practitioner_client, practitioner):
    _search(practitioner_client, "Whitfield")

    event = AuditEvent.objects.get(action=AuditAction.SEARCH)
    assert event.user == practitioner
    assert "whitfield" not in event.detail.lower()


@pytest.mark.django_db
def test_search_token_of_another_session_finds_nothing_extra(client, practitioner, team, site):
    _referral(team, site, family_name="Wanted")
    _referral(team, site, family_name="Other")
    client.force_login(practitioner)
    _, location = _search(client, "Wanted")
    client.logout()
    client.force_login(practitioner)

    body = client.get(location).content.decode()

    assert "Showing results for your search" not in body
    assert "OTHER" in body  # an unknown token is simply no search


@pytest.mark.django_db
def test_filters_by_status_source_site_and_dates(practitioner_client, team, site):
    court = SiteFactory(team=team, name="Cambridge Magistrates' Court")
    now = timezone.now()
    _referral(team, site, family_name="Custodyrecent")
    ReferralFactory(
        person=PersonFactory(team=team, family_name="Courtold"),
        site=court,
        source=ReferralSource.MAGISTRATES_COURT,
        received_at=now - datetime.timedelta(days=40),
        status=ReferralStatus.SCREENED,
    )

    by_source = practitioner_client.get(LIST, {"source": "magistrates_court"}).content.decode()
    by_site = practitioner_client.get(LIST, {"site": site.pk}).content.decode()
    by_status = practitioner_client.get(LIST, {"status": "screened"}).content.decode()
    since = (now - datetime.timedelta(days=7)).date().isoformat()
    by_date = practitioner_client.get(LIST, {"received_from": since}).content.decode()

    assert "COURTOLD" in by_source and "CUSTODYRECENT" not in by_source
    assert "CUSTODYRECENT" in by_site and "COURTOLD" not in by_site
    assert "COURTOLD" in by_status and "CUSTODYRECENT" not in by_status
    assert "CUSTODYRECENT" in by_date and "COURTOLD" not in by_date


@pytest.mark.django_db
def test_date_range_the_wrong_way_round_says_why(practitioner_client):
    response = practitioner_client.get(
        LIST, {"received_from": "2026-03-01", "received_to": "2026-01-01"}
    )

    assert (
        "Latest date received must be the same as or after the earliest date received"
        in response.content.decode()
    )


@pytest.mark.django_db
def test_sort_by_name(practitioner_client, team, site):
    _referral(team, site, family_name="Zephyr")
    _referral(team, site, family_name="Abbott")

    body = practitioner_client.get(LIST, {"sort": "name"}).content.decode()

    assert body.index("ABBOTT") < body.index("ZEPHYR")


@pytest.mark.django_db
def test_pagination_knows_a_next_page_without_counting(practitioner_client, team, site):
    for _ in range(26):
        _referral(team, site)

    first = practitioner_client.get(LIST)
    second = practitioner_client.get(f"{LIST}?{first.context['next_query']}").content.decode()

    assert 'rel="next"' in first.content.decode() and 'rel="prev"' not in first.content.decode()
    assert 'rel="prev"' in second and 'rel="next"' not in second
    assert second.count('class="govuk-table__row"') == 2  # header + the 26th referral


@pytest.mark.django_db
def test_overdue_referral_is_marked(practitioner_client, team, site):
    ReferralFactory(
        person=PersonFactory(team=team),
        site=site,
        received_at=timezone.now() - datetime.timedelta(hours=13),  # custody target: 12 hours
    )

    body = practitioner_client.get(LIST).content.decode()

    assert "Overdue" in body


def _queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured)


@pytest.mark.django_db
def test_list_query_count_is_the_same_for_1_and_3_rows(
    practitioner_client, team, site, django_assert_num_queries
):
    _referral(team, site)
    practitioner_client.get(LIST)  # warm the session
    with_one_row = _queries_for(practitioner_client, LIST)
    _referral(team, site)
    _referral(team, site)

    with django_assert_num_queries(with_one_row):
        response = practitioner_client.get(LIST)

    assert response.content.decode().count("Born ") == 3


@pytest.mark.django_db
def test_my_work_query_count_is_the_same_for_1_and_3_rows(
    practitioner_client, practitioner, team, site, django_assert_num_queries
):
    url = reverse("referrals:my_work")
    ReferralFactory(person=PersonFactory(team=team), site=site, assigned_to=practitioner)
    practitioner_client.get(url)
    with_one_row = _queries_for(practitioner_client, url)
    for _ in range(2):
        ReferralFactory(person=PersonFactory(team=team), site=site, assigned_to=practitioner)

    with django_assert_num_queries(with_one_row):
        response = practitioner_client.get(url)

    assert response.context["queues"]["assigned"]["count"] == 3


@pytest.mark.django_db
def test_my_work_lists_assigned_unassigned_and_overdue(
    practitioner_client, practitioner, team, site
):
    mine = ReferralFactory(person=PersonFactory(team=team), site=site, assigned_to=practitioner)
    free = ReferralFactory(person=PersonFactory(team=team), site=site)
    late = ReferralFactory(
        person=PersonFactory(team=team),
        site=site,
        received_at=timezone.now() - datetime.timedelta(days=5),
    )
    ReferralFactory(
        person=PersonFactory(team=team),
        site=site,
        status=ReferralStatus.CLOSED,
        closure_reason="duplicate",
    )

    queues = practitioner_client.get(reverse("referrals:my_work")).context["queues"]

    assert [r.pk for r in queues["assigned"]["rows"]] == [mine.pk]
    assert {r.pk for r in queues["unassigned"]["rows"]} == {free.pk, late.pk}
    assert [r.pk for r in queues["overdue"]["rows"]] == [late.pk]


@pytest.mark.django_db
def test_date_range_includes_whole_local_days(practitioner_client, team, site):
    import zoneinfo

    london = zoneinfo.ZoneInfo("Europe/London")
    late = datetime.datetime(2026, 7, 1, 23, 30, tzinfo=london)  # 22:30 UTC
    ReferralFactory(
        person=PersonFactory(team=team, family_name="Lateevening"), site=site, received_at=late
    )

    same_day = practitioner_client.get(
        LIST, {"received_from": "2026-07-01", "received_to": "2026-07-01"}
    ).content.decode()
    next_day = practitioner_client.get(LIST, {"received_from": "2026-07-02"}).content.decode()

    assert "LATEEVENING" in same_day
    assert "LATEEVENING" not in next_day


@pytest.mark.django_db
def test_filters_chosen_stay_selected_on_the_results(practitioner_client, team, site):
    _referral(team, site, family_name="Shown")

    body = practitioner_client.get(
        LIST, {"status": "closed", "site": site.pk, "sort": "name"}
    ).content.decode()

    assert '<option value="closed" selected>' in body
    assert f'<option value="{site.pk}" selected>' in body
    assert '<option value="name" selected>' in body
    assert body.count(" selected>") == 3


@pytest.mark.django_db
def test_rows_link_to_the_referral_and_the_person(practitioner_client, team, site):
    referral = _referral(team, site, family_name="Linked")

    body = practitioner_client.get(LIST).content.decode()

    assert f'href="{reverse("referrals:referral_detail", args=[referral.pk])}"' in body
    assert f'href="{reverse("referrals:person_detail", args=[referral.person_id])}"' in body
    assert '<strong class="govuk-tag govuk-tag--blue">Received</strong>' in body


@pytest.mark.django_db
def test_each_my_work_queue_links_to_the_whole_queue_in_the_list(
    practitioner_client, practitioner, team, site, monkeypatch
):
    from referrals.selectors import lists as selectors

    monkeypatch.setattr(selectors, "MY_WORK_LIMIT", 2)
    now = timezone.now()
    oldest_first = [
        ReferralFactory(
            person=PersonFactory(team=team),
            site=site,
            assigned_to=practitioner,
            received_at=now - datetime.timedelta(hours=n),
        )
        for n in (30, 20, 10)
    ]
    ReferralFactory(person=PersonFactory(team=team), site=site)  # unassigned: not in the queue

    page = practitioner_client.get(reverse("referrals:my_work")).content.decode()
    link = f"{LIST}?queue=assigned&amp;sort=urgent"
    assert f'<a class="govuk-link" href="{link}">See all 3 assigned to me</a>' in page
    assert "See all" not in page.split('id="unassigned"')[1].split('id="overdue"')[0]

    # the same routine custody source: the soonest target is the oldest
    listed = practitioner_client.get(LIST, {"queue": "assigned", "sort": "urgent"})
    assert [r.pk for r in listed.context["rows"]] == [r.pk for r in oldest_first]


@pytest.mark.django_db
def test_work_queue_filter_shows_only_that_queue(practitioner_client, practitioner, team, site):
    late = ReferralFactory(
        person=PersonFactory(team=team),
        site=site,
        received_at=timezone.now() - datetime.timedelta(days=5),
    )
    ReferralFactory(person=PersonFactory(team=team), site=site, assigned_to=practitioner)

    unassigned = practitioner_client.get(LIST, {"queue": "unassigned"}).context["rows"]
    overdue = practitioner_client.get(LIST, {"queue": "overdue"}).context["rows"]
    unknown = practitioner_client.get(LIST, {"queue": "someone-else"})

    assert [r.pk for r in unassigned] == [late.pk]
    assert [r.pk for r in overdue] == [late.pk]
    assert "Select the work queue from the list" in unknown.content.decode()
