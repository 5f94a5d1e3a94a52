"""Housekeeping: stale drafts expire; people past the retention period are anonymised."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.utils import timezone

from accounts.models import AuditEvent
from assessments.models import FormDraft
from referrals.enums import ClosureReason, ReferralStatus
from referrals.models import Person
from reporting.housekeeping import apply_retention, expire_stale_drafts
from reporting.models import AnonymisationLog
from tests.factories import PersonFactory, ReferralFactory
from tests.notifications.order_records import make_order

pytestmark = pytest.mark.django_db


def closed_referral(person, years_ago, months=0):
    closed = timezone.now() - relativedelta(years=years_ago, months=months)
    return ReferralFactory(
        person=person,
        received_at=closed - datetime.timedelta(days=10),
        status=ReferralStatus.CLOSED,
        closure_reason=ClosureReason.NO_FURTHER_ACTION,
        closed_at=closed,
    )


def test_expire_stale_drafts_keeps_recent_ones(settings, practitioner):
    settings.LD_DRAFT_EXPIRY_DAYS = 30
    referral = ReferralFactory(person__team=practitioner.team)
    old = FormDraft.objects.create(
        user=practitioner,
        referral=referral,
        step="screening",
        data={"notes": "x"},
        saved_at=timezone.now() - datetime.timedelta(days=31),
    )
    recent = FormDraft.objects.create(
        user=practitioner, referral=referral, step="assessment", data={}
    )

    assert expire_stale_drafts() == 1
    assert list(FormDraft.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not FormDraft.objects.filter(pk=old.pk).exists()


def test_retention_anonymises_people_closed_longer_than_the_period(settings):
    settings.LD_RETENTION_YEARS = 8
    person = PersonFactory(given_name="Zoë", family_name="Quill", pnc_id="2008/0056560Z")
    closed_referral(person, 8, months=1)
    closed_referral(person, 9)

    assert apply_retention() == 1

    person.refresh_from_db()
    assert (person.given_name, person.family_name, person.nhs_number, person.pnc_id) == (
        "Anonymised",
        "Anonymised",
        None,
        None,
    )
    assert person.date_of_birth == datetime.date(1990, 1, 1)
    assert set(person.referrals.values_list("referrer_name", "case_reference")) == {("", "")}
    log = AnonymisationLog.objects.get()
    assert (log.person_id, log.referrals) == (person.pk, 2)
    assert AuditEvent.objects.filter(person_id=person.pk, detail__contains="retention").exists()


def test_retention_keeps_people_with_a_recent_or_open_referral(settings):
    settings.LD_RETENTION_YEARS = 8
    recent = PersonFactory(given_name="Recent")
    closed_referral(recent, 9)
    closed_referral(recent, 7)
    still_open = PersonFactory(given_name="Open")
    closed_referral(still_open, 9)
    ReferralFactory(person=still_open, received_at=timezone.now() - relativedelta(years=9))

    assert apply_retention() == 0
    assert set(Person.objects.values_list("given_name", flat=True)) >= {"Recent", "Open"}


def test_retention_keeps_people_whose_order_ended_within_the_period(settings):
    settings.LD_RETENTION_YEARS = 8
    old = closed_referral(PersonFactory(given_name="Ordered"), 9)
    make_order(
        referral=old,
        made_on=datetime.date.today() - relativedelta(years=9),
        end_date=datetime.date.today() - relativedelta(years=8),
        status="terminated",
        termination_reason="completed",
        terminated_on=datetime.date.today() - relativedelta(years=7),
    )

    assert apply_retention() == 0


def test_retention_runs_once_per_person(settings):
    settings.LD_RETENTION_YEARS = 8
    closed_referral(PersonFactory(), 9)

    assert (apply_retention(), apply_retention()) == (1, 0)
    assert AnonymisationLog.objects.count() == 1


def test_housekeeping_command_reports_counts(settings, capsys):
    settings.LD_RETENTION_YEARS = 8
    closed_referral(PersonFactory(), 9)

    call_command("housekeeping")

    assert "people anonymised: 1" in capsys.readouterr().out
