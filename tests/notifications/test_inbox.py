"""The inbox page, the unread count on every page, and the email preference."""

import pytest
from django.urls import reverse

from notifications.models import NotificationPreference, Reminder

from .factories import ReminderFactory

pytestmark = pytest.mark.django_db


def test_inbox_shows_own_reminders_and_unread_count(practitioner_client, practitioner):
    ReminderFactory(recipient=practitioner, title="Referral R000042 is overdue")

    response = practitioner_client.get(reverse("notifications:inbox"))

    assert response.status_code == 200
    assert "Referral R000042 is overdue" in response.text
    assert "1 unread reminder." in response.text
    assert 'Inbox (1<span class="govuk-visually-hidden"> unread</span>)' in response.text


def test_inbox_of_an_outsider_shows_nothing_of_others(outsider_client, practitioner):
    ReminderFactory(recipient=practitioner, title="Referral R000042 is overdue")

    response = outsider_client.get(reverse("notifications:inbox"))

    assert "R000042" not in response.text
    assert "You have no reminders." in response.text
    assert "0 unread reminders." in response.text
    assert 'Inbox (0<span class="govuk-visually-hidden"> unread</span>)' in response.text


def test_unread_count_shows_on_other_pages(practitioner_client, practitioner):
    ReminderFactory.create_batch(2, recipient=practitioner)

    response = practitioner_client.get(reverse("referrals:my_work"))

    assert 'Inbox (2<span class="govuk-visually-hidden"> unread</span>)' in response.text


def test_inbox_needs_sign_in(client):
    response = client.get(reverse("notifications:inbox"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("rows", [1, 3])
def test_inbox_query_count_is_fixed(
    rows, practitioner_client, practitioner, django_assert_num_queries
):
    ReminderFactory.create_batch(rows, recipient=practitioner)
    practitioner_client.get(reverse("notifications:inbox"))  # warm the session

    # The same count whatever the number of rows (no query per row).
    with django_assert_num_queries(6):
        response = practitioner_client.get(reverse("notifications:inbox"))

    assert response.text.count("Mark as read</button>") == rows


def test_reminder_read_marks_it_read(practitioner_client, practitioner):
    reminder = ReminderFactory(recipient=practitioner)

    response = practitioner_client.post(reverse("notifications:reminder_read", args=[reminder.pk]))

    reminder.refresh_from_db()
    assert response.status_code == 302
    assert reminder.read_at is not None


def test_reminder_read_open_follows_the_link(practitioner_client, practitioner):
    reminder = ReminderFactory(recipient=practitioner, link="/referrals/5/")

    response = practitioner_client.post(
        reverse("notifications:reminder_read", args=[reminder.pk]), {"open": "1"}
    )

    assert response.url == "/referrals/5/"


def test_reminder_read_of_another_users_reminder_is_not_found(outsider_client, practitioner):
    reminder = ReminderFactory(recipient=practitioner)

    response = outsider_client.post(reverse("notifications:reminder_read", args=[reminder.pk]))

    reminder.refresh_from_db()
    assert response.status_code == 404
    assert reminder.read_at is None


def test_reminder_read_refuses_get(practitioner_client, practitioner):
    reminder = ReminderFactory(recipient=practitioner)

    response = practitioner_client.get(reverse("notifications:reminder_read", args=[reminder.pk]))

    assert response.status_code == 405


def test_read_all_only_touches_own_reminders(practitioner_client, practitioner, outsider):
    ReminderFactory.create_batch(2, recipient=practitioner)
    theirs = ReminderFactory(recipient=outsider)

    practitioner_client.post(reverse("notifications:read_all"))

    assert not Reminder.objects.filter(recipient=practitioner, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_preference_saves_daily_digest(practitioner_client, practitioner):
    response = practitioner_client.post(
        reverse("notifications:preference"), {"email_enabled": "on", "daily_digest": "on"}
    )

    pref = NotificationPreference.objects.get(user=practitioner)
    assert response.status_code == 302
    assert (pref.email_enabled, pref.daily_digest, pref.dashboard_updates) == (True, True, False)


def test_preference_dashboard_updates_offered_to_commissioners_only(practitioner_client, team):
    from django.test import Client

    from accounts.enums import Role
    from tests.factories import UserFactory

    commissioner_client = Client()
    commissioner_client.force_login(UserFactory(role=Role.COMMISSIONER, team=team))

    assert "dashboard_updates" in commissioner_client.get(reverse("notifications:inbox")).text
    assert "dashboard_updates" not in practitioner_client.get(reverse("notifications:inbox")).text
