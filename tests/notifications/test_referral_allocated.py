"""The inbox reminder for a referral allocated or transferred (rules.referral_allocated):
once per allocation, to whoever it went to (the receiving team's leads for a transfer with
nobody assigned), references only, emailed as each recipient's preference says, and run
as soon as the allocation commits (tasks.run_allocation_rules)."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from notifications import rules
from notifications.enums import EmailState, ReminderKind
from notifications.models import NotificationPreference, Reminder
from notifications.rules import referral_allocated
from referrals import services
from referrals.enums import ReferralStatus
from referrals.models import Referral
from tests.factories import PersonFactory, ReferralFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

REASON = "Moved to a court the other team covers"


@pytest.fixture
def receiving(other_team):
    return {
        "team": other_team,
        "leads": [UserFactory(role=Role.TEAM_LEAD, team=other_team) for _ in range(2)],
        "kim": UserFactory(role=Role.PRACTITIONER, team=other_team, first_name="Kim"),
    }


def _referrals(team, count):
    person = PersonFactory(team=team)
    return [ReferralFactory(person=person) for _ in range(count)]


def _transfer(referral, team, by, assignee=None):
    return services.referral_transfer(
        referral=referral,
        team=team,
        assignee=assignee,
        reason=REASON,
        expected_version=Referral.objects.get(pk=referral.pk).version,
        by=by,
    )


def _reminders():
    return sorted(
        Reminder.objects.filter(kind=ReminderKind.REFERRAL_ALLOCATED).values_list(
            "recipient_id", "subject_id", "title", "link"
        )
    )


def test_allocation_reaches_the_practitioner_once_with_the_reference_only(
    team, team_lead, practitioner
):
    referral, untouched = _referrals(team, 2)
    services.referral_assign(referral=referral, assignee=practitioner, by=team_lead)
    allocation = referral.allocations.get()

    assert rules.run_rules([referral_allocated]) == 1
    assert rules.run_rules([referral_allocated]) == 0
    assert rules.run_rules(rules.HOURLY_RULES) == 0

    assert _reminders() == [
        (
            practitioner.pk,
            allocation.pk,
            f"Referral {referral.reference} has been allocated to you",
            reverse("referrals:referral_detail", args=[referral.pk]),
        )
    ]
    assert referral.person.family_name not in _reminders()[0][2]
    assert not Reminder.objects.filter(subject_id=untouched.pk).exists()


def test_transfer_to_a_practitioner_reaches_them_and_unassigned_reaches_the_team_leads(
    team, team_lead, receiving
):
    to_kim, to_team, stays = _referrals(team, 3)
    kim_row = _transfer(to_kim, receiving["team"], team_lead, assignee=receiving["kim"])
    team_row = _transfer(to_team, receiving["team"], team_lead)

    rules.run_rules([referral_allocated])

    leads = receiving["leads"]
    assert _reminders() == sorted(
        [
            (
                receiving["kim"].pk,
                kim_row.pk,
                f"Referral {to_kim.reference} has been transferred to you",
                to_kim.get_absolute_url(),
            ),
            *(
                (
                    lead.pk,
                    team_row.pk,
                    f"Referral {to_team.reference} has been transferred to your team",
                    to_team.get_absolute_url(),
                )
                for lead in leads
            ),
        ]
    )
    assert not Reminder.objects.filter(recipient=team_lead).exists()


def test_no_reminder_for_taking_it_yourself_moving_on_closing_or_outside_the_look_back(
    team, team_lead, practitioner
):
    sam = UserFactory(role=Role.PRACTITIONER, team=team)
    taken, moved_on, closed, old = _referrals(team, 4)
    services.referral_assign(referral=taken, assignee=practitioner, by=practitioner)
    services.referral_assign(referral=moved_on, assignee=practitioner, by=team_lead)
    services.referral_assign(
        referral=Referral.objects.get(pk=moved_on.pk), assignee=sam, by=team_lead
    )
    services.referral_assign(referral=closed, assignee=practitioner, by=team_lead)
    services.referral_transition(
        referral=closed, to_status=ReferralStatus.CLOSED, closure_reason="other", by=team_lead
    )
    with time_machine.travel(timezone.now() - rules.LOOKBACK - datetime.timedelta(hours=1)):
        services.referral_assign(referral=old, assignee=practitioner, by=team_lead)

    rules.run_rules([referral_allocated])

    assert [(r[0], r[2]) for r in _reminders()] == [
        (sam.pk, f"Referral {moved_on.reference} has been allocated to you")
    ]


def test_transfer_to_a_team_without_active_leads_writes_nothing(team, team_lead):
    quiet = TeamFactory(name="Team with no lead")
    UserFactory(role=Role.TEAM_LEAD, team=quiet, is_active=False)
    referral = _referrals(team, 1)[0]
    _transfer(referral, quiet, team_lead)

    assert rules.run_rules([referral_allocated]) == 0


def test_the_allocation_rules_are_hourly_and_also_run_on_allocation():
    from notifications.rules_tr import order_allocated

    assert {referral_allocated, order_allocated} <= set(rules.HOURLY_RULES)
    assert set(rules.ALLOCATION_RULES) == {referral_allocated, order_allocated}
    assert referral_allocated not in rules.DAILY_RULES


# Prompt delivery and email preferences ------------------------------------------------------


def test_allocation_reaches_the_inbox_on_commit_and_emails_who_opted_in(
    settings, django_capture_on_commit_callbacks, team, team_lead, practitioner
):
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("REDIS_URL is set: tasks go to the broker (see test_celery_worker.py)")
    opted_out = UserFactory(role=Role.PRACTITIONER, team=team)
    NotificationPreference.objects.create(user=opted_out, email_enabled=False)
    mine, theirs = _referrals(team, 2)

    with django_capture_on_commit_callbacks(execute=True):
        services.referral_assign(referral=mine, assignee=practitioner, by=team_lead)
        services.referral_assign(referral=theirs, assignee=opted_out, by=team_lead)

    states = dict(
        Reminder.objects.filter(kind=ReminderKind.REFERRAL_ALLOCATED).values_list(
            "recipient_id", "email_state"
        )
    )
    assert states == {practitioner.pk: EmailState.SENT, opted_out.pk: EmailState.NOT_SENT}
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([practitioner.email], f"Reminder: Referral {mine.reference} has been allocated to you")
    ]
    assert mine.person.family_name not in mail.outbox[0].body


def test_bulk_allocation_runs_the_rules_once_for_the_lot(
    settings, django_capture_on_commit_callbacks, team, team_lead, practitioner
):
    ticked = _referrals(team, 3)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.referrals_allocate(
            referral_ids=[r.pk for r in ticked],
            queryset=Referral.objects.all(),
            assignee=practitioner,
            by=team_lead,
        )

    assert len(callbacks) == 1
    if settings.CELERY_TASK_ALWAYS_EAGER:
        callbacks[0]()
        assert Reminder.objects.filter(recipient=practitioner).count() == 3


def test_a_refused_transfer_queues_nothing(django_capture_on_commit_callbacks, team, team_lead):
    referral = _referrals(team, 1)[0]

    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        pytest.raises(ValidationError),
    ):
        _transfer(referral, team, team_lead)

    assert callbacks == []


def test_inbox_shows_the_transfer_to_the_receiving_lead(client, team, team_lead, receiving):
    referral = _referrals(team, 1)[0]
    _transfer(referral, receiving["team"], team_lead)
    rules.run_rules(rules.HOURLY_RULES)
    client.force_login(receiving["leads"][0])

    inbox = client.get(reverse("notifications:inbox")).content.decode()

    assert f"Referral {referral.reference} has been transferred to your team" in inbox
    assert referral.person.family_name not in inbox


def test_order_handover_also_reaches_the_inbox_on_commit(
    settings, django_capture_on_commit_callbacks
):
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("REDIS_URL is set: tasks go to the broker (see test_celery_worker.py)")
    from treatment_requirements.services import order_reallocate

    from .order_records import make_order

    order, _ = make_order()
    colleague = UserFactory(role=Role.PROBATION_OFFICER, team=order.responsible_officer.team)

    with django_capture_on_commit_callbacks(execute=True):
        order_reallocate(
            order=order,
            officer=colleague,
            reason="Caseload balancing",
            expected_version=order.version,
            by=order.responsible_officer,
        )

    assert list(
        Reminder.objects.filter(kind=ReminderKind.ORDER_ALLOCATED).values_list(
            "recipient_id", "title"
        )
    ) == [(colleague.pk, f"Order CO{order.pk:06d} has been allocated to you")]
