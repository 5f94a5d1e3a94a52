"""The contact log's screens: who sees which contacts (two L&D teams, a probation team,
several people with several referrals), restricted notes, search, filters, paging, query
counts and the audit of every view."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.enums import AuditAction
from accounts.models import AuditEvent
from contact_log.enums import ContactType, RestrictionDecision, RestrictionReason
from contact_log.models import Contact
from referrals.subject_access import subject_access_export
from tests.privacy import without_search_token

from .factories import ContactAddendumFactory, ContactFactory

pytestmark = pytest.mark.django_db


def _contact(world, author, person=None, *, hours_ago=1, **kwargs):
    kwargs.setdefault("contact_at", timezone.now() - datetime.timedelta(hours=hours_ago))
    return ContactFactory(
        person=person or world.shared, practitioner=author, author_team=author.team, **kwargs
    )


@pytest.fixture
def notes(world):
    """On Rhiannon: team A's plain and restricted notes, team B's, probation's; a team A
    note on Tobias (another person)."""
    u = world.users
    return {
        "a": _contact(world, u.a, note="Team A note about the hostel place.", hours_ago=5),
        "a_restricted": _contact(
            world,
            u.a,
            note="Team A restricted: sister reports coercion.",
            restricted=True,
            restriction_reason=RestrictionReason.SAFEGUARDING,
            restricted_by=u.a,
            restricted_at=timezone.now(),
            hours_ago=4,
        ),
        "b": _contact(world, u.b, note="Team B note about the hostel place.", hours_ago=3),
        "probation": _contact(
            world, u.officer, note="Probation note: reported on time.", hours_ago=2
        ),
        "other_person": _contact(
            world, u.a, world.a_only, note="Tobias note about the hostel place.", hours_ago=1
        ),
    }


def _log(client, person, query=""):
    return client.get(reverse("contact_log:contact_log", args=[person.pk]) + query)


def _body(response):
    return response.content.decode()


VISIBLE = {
    # who: the notes on Rhiannon's log they see
    "a": {"a", "a_restricted"},
    "lead_a": {"a", "a_restricted"},
    "b": {"b"},
    "officer": {"probation"},
}


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_each_team_sees_its_own_contacts_only_on_the_log_and_timeline(client, world, notes, who):
    client.force_login(getattr(world.users, who))

    log = _body(_log(client, world.shared))
    person_page = client.get(reverse("referrals:person_detail", args=[world.shared.pk]))

    shown = {key for key, contact in notes.items() if contact.note[:40] in log}
    assert shown == VISIBLE[who]
    timeline = _body(person_page)
    linked = {key for key, c in notes.items() if c.get_absolute_url() in timeline}
    assert linked == VISIBLE[who]


@pytest.mark.parametrize(
    ("who", "key", "status"),
    [
        ("a", "a_restricted", 200),
        ("a2", "a_restricted", 200),
        ("b", "a_restricted", 404),
        ("officer", "a_restricted", 404),
        ("officer", "a", 404),
        ("a", "probation", 404),
        ("b", "a", 404),
        ("clinician", "a", 403),
    ],
)
def test_contact_page_for_each_team(client, world, notes, who, key, status):
    client.force_login(getattr(world.users, who))

    response = client.get(notes[key].get_absolute_url())

    assert response.status_code == status
    if status != 200:
        assert notes[key].note not in _body(response)


def test_provider_and_outsider_cannot_open_the_log(client, world, notes):
    client.force_login(world.users.clinician)
    assert _log(client, world.shared).status_code == 403
    client.force_login(world.users.b)
    assert _log(client, world.a_only).status_code == 404  # team B does not hold Tobias


def test_log_and_detail_views_are_audited_with_ids_only(client, world, notes):
    client.force_login(world.users.a)

    _log(client, world.shared)
    client.get(notes["a"].get_absolute_url())

    views = AuditEvent.objects.filter(user=world.users.a, action=AuditAction.VIEW)
    assert {(e.object_type, e.person_id) for e in views} >= {
        ("referrals.person", world.shared.pk),
        ("contact_log.contact", world.shared.pk),
    }
    assert not any("hostel" in e.detail for e in views)


def _search(client, person, text, query=""):
    url = reverse("contact_log:contact_log", args=[person.pk]) + query
    return client.post(url, {"q": text}, follow=True)


def test_search_finds_text_within_this_person_only_and_never_puts_it_in_the_url(
    client, world, notes
):
    client.force_login(world.users.a)

    response = _search(client, world.shared, "hostel place")

    url = response.redirect_chain[-1][0]
    assert "hostel" not in without_search_token(url)
    body = _body(response)
    assert notes["a"].note in body
    assert notes["other_person"].note not in body  # Tobias's note, same words
    assert notes["b"].note not in body  # team B's, same words
    assert AuditEvent.objects.filter(
        action=AuditAction.SEARCH, person_id=world.shared.pk, detail="contact log note search"
    ).exists()


def test_search_finds_addenda_and_restricted_only_for_the_team(client, world, notes):
    ContactAddendumFactory(contact=notes["a"], text="Now at the Riverside night shelter.")
    client.force_login(world.users.a)
    assert notes["a"].note in _body(_search(client, world.shared, "riverside"))
    assert notes["a_restricted"].note in _body(_search(client, world.shared, "coercion"))

    client.force_login(world.users.b)
    found = _body(_search(client, world.shared, "coercion"))
    assert "coercion" not in found.replace('value="coercion"', "")
    assert "No contacts match" in found


def test_a_search_token_from_another_persons_log_is_ignored(client, world, notes):
    client.force_login(world.users.a)
    response = _search(client, world.a_only, "Tobias")
    token = re.search(r"search=([\w-]+)", response.redirect_chain[-1][0]).group(1)

    body = _body(_log(client, world.shared, f"?search={token}"))

    assert notes["a"].note in body  # the whole log, unsearched
    assert "Showing contacts whose notes match" not in body


def test_filters_by_type_author_and_dates(client, world, notes):
    u = world.users
    video = _contact(world, u.a2, contact_type=ContactType.VIDEO, note="Video with Abe.")
    old = _contact(world, u.a, note="Ten days ago.", hours_ago=240)
    client.force_login(u.lead_a)

    by_type = _body(_log(client, world.shared, "?contact_type=video"))
    by_author = _body(_log(client, world.shared, f"?author={u.a2.pk}"))
    ten_days = (timezone.localdate() - datetime.timedelta(days=10)).strftime("%d/%m/%Y")
    up_to = _body(_log(client, world.shared, f"?date_to={ten_days}"))
    from_day = _body(_log(client, world.shared, f"?date_from={ten_days}&date_to={ten_days}"))
    after = (timezone.localdate() - datetime.timedelta(days=9)).strftime("%d/%m/%Y")
    later = _body(_log(client, world.shared, f"?date_from={after}"))

    assert video.note in by_type and notes["a"].note not in by_type
    assert video.note in by_author and notes["a"].note not in by_author
    assert old.note in up_to and notes["a"].note not in up_to
    assert old.note in from_day
    assert old.note not in later and notes["a"].note in later


def test_bad_filter_dates_show_an_error_not_a_500(client, world, notes):
    client.force_login(world.users.a)

    response = _log(client, world.shared, "?date_from=31/02/2026&date_to=01/01/2020")

    assert response.status_code == 200
    assert "The ‘from’ date must be a real date" in _body(response)


def test_paging_newest_first_with_ties_and_no_row_twice(client, world, notes):
    at = timezone.now() - datetime.timedelta(days=1)
    for n in range(45):
        _contact(world, world.users.a2, note=f"Paged note {n:02d}.", contact_at=at)
    client.force_login(world.users.a)

    seen, query, pages = [], "", 0
    while True:
        body = _body(_log(client, world.shared, query))
        seen += re.findall(r"Paged note (\d\d)", body)
        pages += 1
        found = re.search(r'href="\?([^"]*after=[^"]*)" rel="next"', body)
        if not found:
            break
        query = "?" + found.group(1).replace("&amp;", "&")

    assert pages == 3  # 2 + 45 rows, 20 a page
    assert sorted(seen) == [f"{n:02d}" for n in range(45)]
    assert seen == [f"{n:02d}" for n in reversed(range(45))]  # same time: newest id first
    back = re.search(r'href="\?([^"]*before=[^"]*)" rel="prev"', body).group(1)
    previous = _body(_log(client, world.shared, "?" + back.replace("&amp;", "&")))
    # page 1: two recent notes and 44..27; page 2: 26..07; page 3: 06..00
    assert re.findall(r"Paged note (\d\d)", previous) == [f"{n:02d}" for n in range(26, 6, -1)]


def test_a_page_past_the_end_offers_the_way_back(client, world, notes):
    client.force_login(world.users.a)
    last = notes["a"]
    cursor = f"{last.contact_at.isoformat()}_{last.pk}"

    body = _body(_log(client, world.shared, "?" + f"after={cursor}".replace("+", "%2B")))

    assert "No more contacts" in body
    assert "First page" in body


def test_log_query_count_is_the_same_for_1_and_3_rows(client, world):
    client.force_login(world.users.a)
    _log(client, world.shared)  # warm the session and the person's caches

    def add(n):
        contact = _contact(world, world.users.a, note=f"Row {n}", hours_ago=n + 1)
        ContactAddendumFactory(contact=contact)

    def measure(rows):
        with CaptureQueriesContext(connection) as captured:
            response = _log(client, world.shared)
        assert _body(response).count("app-contact__meta") == rows
        return len(captured)

    add(0)
    one = measure(1)
    add(1)
    add(2)
    assert measure(3) == one


def test_add_a_contact_form_checks_and_saves(client, world):
    client.force_login(world.users.officer)
    url = reverse("contact_log:contact_new", args=[world.shared.pk])
    now = timezone.localtime()
    tomorrow = now + datetime.timedelta(days=1)
    data = {
        "contact_type": ContactType.PHONE,
        "date": tomorrow.strftime("%d/%m/%Y"),
        "time": "09:30",
        "outcome": "made",
        "note": "n" * 12_001,
        "link": f"referral:{world.shared_a.pk}",
        "restriction": "",
    }

    refused = client.post(url, data)

    assert refused.status_code == 400
    body = _body(refused)
    assert "Date of the contact must be today or in the past" in body
    assert "12000 characters or fewer" in body
    assert "Select a record of this person, or none" in body  # probation cannot see it
    assert Contact.objects.count() == 0

    earlier = now - datetime.timedelta(minutes=5)
    data.update(
        date=earlier.strftime("%d/%m/%Y"),
        time=earlier.strftime("%H:%M"),
        note="n" * 12_000,
        link=f"order:{world.order.pk}",
    )
    saved = client.post(url, data)
    contact = Contact.objects.get()
    assert saved.url == contact.get_absolute_url()
    assert (contact.order, contact.author_team) == (world.order, world.probation)


def test_add_form_has_the_character_count_and_lists_only_visible_links(client, world):
    client.force_login(world.users.a)

    body = _body(client.get(reverse("contact_log:contact_new", args=[world.shared.pk])))

    assert 'data-module="govuk-character-count"' in body
    assert 'data-maxlength="12000"' in body
    assert f"referral:{world.shared_a.pk}" in body
    assert f"referral:{world.shared_b.pk}" not in body  # team B's referral
    assert f"order:{world.order.pk}" in body  # team A assessed: TEAM scope sees the order


def test_in_error_contact_is_struck_through_on_the_log_and_kept_on_its_page(client, world, notes):
    client.force_login(world.users.a)
    url = reverse("contact_log:contact_in_error", args=[notes["a"].pk])

    client.post(url, {"version": 1, "reason": "Wrong person"})

    log = _body(_log(client, world.shared))
    assert f"<del>{notes['a'].note}</del>" in log
    page = _body(client.get(notes["a"].get_absolute_url()))
    assert notes["a"].note in page and "Wrong person" in page


def test_stale_addendum_is_refused_with_409(client, world, notes):
    client.force_login(world.users.a)
    url = reverse("contact_log:contact_addendum", args=[notes["a"].pk])
    client.post(url, {"version": 1, "text": "First", "reason": "R1"})

    response = client.post(url, {"version": 1, "text": "Second", "reason": "R2"})

    assert response.status_code == 409
    assert "Someone else saved this record" in _body(response)
    assert notes["a"].addenda.count() == 1


def test_addendum_without_reason_is_a_form_error(client, world, notes):
    client.force_login(world.users.a)
    url = reverse("contact_log:contact_addendum", args=[notes["a"].pk])

    response = client.post(url, {"version": 1, "text": "More", "reason": ""})

    assert response.status_code == 400
    assert "Enter the reason for the addendum" in _body(response)


def test_review_link_only_for_someone_other_than_the_restricter(client, world, notes):
    review = reverse("contact_log:contact_review", args=[notes["a_restricted"].pk])
    client.force_login(world.users.a)
    assert review not in _body(client.get(notes["a_restricted"].get_absolute_url()))
    client.force_login(world.users.lead_a)
    assert review in _body(client.get(notes["a_restricted"].get_absolute_url()))

    client.post(review, {"version": 1, "decision": RestrictionDecision.RELEASE})

    notes["a_restricted"].refresh_from_db()
    assert not notes["a_restricted"].is_withheld


def test_subject_access_leaves_out_restricted_notes_until_released_and_says_so(
    client, world, notes
):
    ContactAddendumFactory(contact=notes["a_restricted"], text="Sister's new address.")
    export = subject_access_export(person=world.shared)
    notes_out = [
        row["note"]
        for section in export["sections"]
        if section["model"] == "contact_log.Contact"
        for row in section["rows"]
    ]
    assert sorted(notes_out) == sorted(notes[k].note for k in ("a", "b", "probation"))
    assert "Sister's new address." not in str(export)
    assert [(h["title"], h["count"]) for h in export["withheld"]] == [
        ("Contacts", 1),
        ("Contact addenda", 1),
    ]
    client.force_login(world.users.lead_a)
    page = _body(client.get(reverse("referrals:subject_access", args=[world.shared.pk])))
    assert "Withheld from this export" in page and "coercion" not in page

    contact = notes["a_restricted"]
    contact.restriction_decision = RestrictionDecision.RELEASE
    contact.restriction_reviewed_by = world.users.lead_a
    contact.restriction_reviewed_at = timezone.now()
    contact.save()
    released = subject_access_export(person=world.shared)
    assert contact.note in str(released) and released["withheld"] == []


@pytest.mark.parametrize("rows", [1, 3])
def test_timeline_provider_runs_one_query_and_shows_no_note_text(
    world, django_assert_num_queries, rows
):
    from contact_log.selectors import contact_events

    for n in range(rows):
        _contact(world, world.users.a, note=f"Timeline secret {n}", hours_ago=n + 1)

    with django_assert_num_queries(1):
        events = contact_events(world.shared, world.users.a)

    assert [e["title"] for e in events] == ["Contact: phone call"] * rows
    assert not any("Timeline secret" in e["detail"] for e in events)


def test_empty_search_and_reversed_dates_are_form_errors(client, world, notes):
    client.force_login(world.users.a)
    url = reverse("contact_log:contact_log", args=[world.shared.pk])

    empty = client.post(url, {"q": " "})
    reversed_dates = _log(client, world.shared, "?date_from=10/11/2026&date_to=01/11/2026")

    assert empty.status_code == 400
    assert "Enter a word or phrase to search the notes for" in _body(empty)
    assert "must be the same as or after" in _body(reversed_dates)


def test_correction_pages_show_the_note_being_corrected(client, world, notes):
    client.force_login(world.users.a)

    body = _body(client.get(reverse("contact_log:contact_addendum", args=[notes["a"].pk])))

    assert notes["a"].note in body
