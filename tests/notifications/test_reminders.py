"""Reminders are written once per key, and the rules find what is due."""

import datetime

import pytest
from django.utils import timezone

from accounts.enums import Role
from notifications import rules
from notifications.enums import EmailState, ReminderKind
from notifications.models import Reminder
from notifications.services import ReminderSpec, preference_update, reminders_create
from referrals.enums import ReferralSource, ReferralStatus
from tests.factories import ReferralFactory, UserFactory


def spec(user, **kwargs):
    values = {
        "kind": ReminderKind.REFERRAL_NOT_SCREENED,
        "subject_type": "referrals.referral",
        "subject_id": 7,
        "due_on": datetime.date(2026, 11, 23),
        "recipient_id": user.pk,
        "title": "Referral R000007 has not been screened within its 12-hour target",
    }
    return ReminderSpec(**{**values, **kwargs})


def test_reminders_create_twice_writes_one_row(practitioner):
    first = reminders_create(specs=[spec(practitioner)])
    second = reminders_create(specs=[spec(practitioner)])

    assert (first, second) == (1, 0)
    assert Reminder.objects.count() == 1


def test_reminders_create_keys_differ_by_due_date_and_recipient(practitioner, team_lead):
    created = reminders_create(
        specs=[
            spec(practitioner),
            spec(team_lead),
            spec(practitioner, due_on=datetime.date(2026, 11, 24)),
        ]
    )

    assert created == 3


def test_reminders_create_follows_email_preference(practitioner, team_lead):
    preference_update(user=team_lead, daily_digest=True, email_enabled=True)
    no_email = UserFactory(team=practitioner.team, email="")

    reminders_create(specs=[spec(practitioner), spec(team_lead), spec(no_email)])

    states = dict(Reminder.objects.values_list("recipient_id", "email_state"))
    assert states == {
        practitioner.pk: EmailState.PENDING,
        team_lead.pk: EmailState.DIGEST,
        no_email.pk: EmailState.NOT_SENT,
    }


def test_reminders_create_never_queues_before_commit(
    practitioner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        reminders_create(specs=[spec(practitioner)])
        reminders_create(specs=[spec(practitioner)])

    assert len(callbacks) == 1


def _overdue_referral(**kwargs):
    received = timezone.now() - datetime.timedelta(hours=13)
    return ReferralFactory(source=ReferralSource.POLICE_CUSTODY, received_at=received, **kwargs)


def test_referral_not_screened_goes_to_the_assignee(practitioner):
    referral = _overdue_referral(person__team=practitioner.team, assigned_to=practitioner)

    rules.run_rules(rules.HOURLY_RULES)

    reminder = Reminder.objects.get()
    assert (reminder.kind, reminder.recipient, reminder.subject_id) == (
        ReminderKind.REFERRAL_NOT_SCREENED,
        practitioner,
        referral.pk,
    )
    assert reminder.title == (
        f"Referral R{referral.pk:06d} has not been screened within its 12-hour target"
    )
    assert reminder.link == f"/referrals/{referral.pk}/"


def test_referral_not_screened_unassigned_goes_to_team_leads(team_lead, practitioner, outsider):
    UserFactory(role=Role.TEAM_LEAD, team=outsider.team)
    _overdue_referral(person__team=team_lead.team)

    rules.run_rules(rules.HOURLY_RULES)

    assert list(Reminder.objects.values_list("recipient_id", flat=True)) == [team_lead.pk]


def test_referral_rules_skip_referrals_within_target_or_done(practitioner):
    ReferralFactory(
        person__team=practitioner.team,
        assigned_to=practitioner,
        received_at=timezone.now() - datetime.timedelta(hours=2),
    )
    done = _overdue_referral(person__team=practitioner.team, assigned_to=practitioner)
    done.status, done.screened_at = ReferralStatus.SCREENED, done.received_at
    done.assessed_at = None
    done.save()
    old = _overdue_referral(person__team=practitioner.team, assigned_to=practitioner)
    old.received_at = timezone.now() - datetime.timedelta(days=30)
    old.save()

    rules.run_rules(rules.HOURLY_RULES)

    # The screened one still awaits assessment 13 hours after a 12-hour target.
    assert list(Reminder.objects.values_list("kind", "subject_id")) == [
        (ReminderKind.REFERRAL_NOT_ASSESSED, done.pk)
    ]


def test_rules_run_twice_write_nothing_new(practitioner):
    _overdue_referral(person__team=practitioner.team, assigned_to=practitioner)

    first = rules.run_rules(rules.HOURLY_RULES)
    second = rules.run_rules(rules.HOURLY_RULES)

    assert (first, second) == (1, 0)


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.TEAM_LEAD])
def test_dashboard_update_reaches_subscribers_only(role, team):
    from reporting.models import ReportingRun, RunStatus

    subscriber = UserFactory(role=role, team=team)
    UserFactory(role=role, team=team)  # did not subscribe
    preference_update(
        user=subscriber, daily_digest=False, email_enabled=True, dashboard_updates=True
    )
    run = ReportingRun.objects.create(
        snapshot_date=datetime.date(2026, 11, 22), status=RunStatus.SUCCEEDED
    )

    reminders_create(specs=rules.dashboard_updated_reminders(run=run))

    reminder = Reminder.objects.get()
    assert reminder.recipient == subscriber
    assert reminder.title == (
        "The dashboards are updated with figures to the end of 22 November 2026"
    )
