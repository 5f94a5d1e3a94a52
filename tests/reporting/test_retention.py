"""Retention: every classified personal field of every record linked to the person is
blanked; a dry run reports the counts and changes nothing; audit entries survive."""

import pytest
from django.core.management import call_command

from accounts.audit import audit_record
from accounts.audit_chain import first_broken_entry
from accounts.classification import anonymise_values
from accounts.enums import AuditAction
from accounts.models import AuditEvent
from assessments.models import Assessment, Consent
from referrals.models import Person
from reporting.housekeeping import (
    _anonymise_batch,
    apply_retention,
    people_due_for_anonymisation,
    retention_dry_run,
)
from reporting.models import AnonymisationLog
from tests.assessments.factories import AssessmentFactory, ConsentFactory
from tests.factories import PersonFactory, ReferralFactory
from tests.reporting.test_housekeeping import closed_referral

pytestmark = pytest.mark.django_db

NEEDS = "Lost job at the bakery on Mill Road; drinking daily."


def _case(years_ago):
    person = PersonFactory(given_name="Morwenna", family_name=f"Tregarthen{years_ago}")
    referral = closed_referral(person, years_ago)
    assessment = AssessmentFactory(referral=referral, presenting_needs=NEEDS)
    consent = ConsentFactory(referral=referral, notes="Sister Kerenza may be told.")
    return person, assessment, consent


def test_dry_run_reports_counts_and_changes_nothing(settings):
    settings.LD_RETENTION_YEARS = 8
    old, assessment, _consent = _case(9)
    _case(2)
    audit_record(action=AuditAction.VIEW, person_id=old.pk, username="someone")
    before = AuditEvent.objects.count()

    report = retention_dry_run()

    assert report["people"] == 1
    assert report["records"]["referrals.Person"] == 1
    assert report["records"]["referrals.Referral"] == 1
    assert report["records"]["assessments.Assessment"] == 1
    assert report["records"]["assessments.Consent"] == 1
    old.refresh_from_db()
    assessment.refresh_from_db()
    assert old.given_name == "Morwenna"
    assert assessment.presenting_needs == NEEDS
    assert not AnonymisationLog.objects.exists()
    assert AuditEvent.objects.count() == before


def test_housekeeping_command_dry_run_prints_counts(settings, capsys):
    settings.LD_RETENTION_YEARS = 8
    old, assessment, _consent = _case(9)

    call_command("housekeeping", "--dry-run")

    out = capsys.readouterr().out
    assert "people who would be anonymised: 1" in out
    assert "assessments.Assessment: 1" in out
    assessment.refresh_from_db()
    assert assessment.presenting_needs == NEEDS
    assert Person.objects.get(pk=old.pk).given_name == "Morwenna"


def test_retention_blanks_linked_free_text_of_old_case_only(settings):
    settings.LD_RETENTION_YEARS = 8
    old, old_assessment, old_consent = _case(9)
    recent, recent_assessment, recent_consent = _case(2)
    ReferralFactory(person=recent)  # still open as well
    audit_record(action=AuditAction.VIEW, person_id=old.pk, username="someone")
    audited = list(AuditEvent.objects.filter(person_id=old.pk).values_list("pk", flat=True))

    assert apply_retention() == 1

    old_assessment = Assessment.objects.get(pk=old_assessment.pk)
    assert old_assessment.presenting_needs == anonymise_values(Assessment)["presenting_needs"]
    assert old_assessment.presenting_needs != NEEDS
    assert Consent.objects.get(pk=old_consent.pk).notes == anonymise_values(Consent)["notes"]
    assert Assessment.objects.get(pk=recent_assessment.pk).presenting_needs == NEEDS
    assert Consent.objects.get(pk=recent_consent.pk).notes == "Sister Kerenza may be told."
    assert Person.objects.get(pk=recent.pk).given_name == "Morwenna"
    # the audit trail survives, intact, with a new entry for the anonymisation
    assert set(audited) <= set(
        AuditEvent.objects.filter(person_id=old.pk).values_list("pk", flat=True)
    )
    assert AuditEvent.objects.filter(person_id=old.pk, detail__contains="retention").exists()
    assert first_broken_entry() is None


def test_a_second_run_over_the_same_people_anonymises_logs_and_audits_each_once(settings):
    """Two housekeeping runs at once (a second beat by mistake) pick the same people; the
    second to get their rows finds them done and leaves them alone."""
    settings.LD_RETENTION_YEARS = 8
    first, _a, _c = _case(9)
    second, _a, _c = _case(10)
    _case(2)
    picked = list(people_due_for_anonymisation().values_list("pk", "last_closed_at"))

    assert apply_retention() == 2
    assert _anonymise_batch(picked) == 0  # the slower run, with what it picked before

    logged = sorted(AnonymisationLog.objects.values_list("person_id", flat=True))
    assert logged == sorted([first.pk, second.pk])
    for person in (first, second):
        entries = AuditEvent.objects.filter(person_id=person.pk, detail__contains="retention")
        assert entries.count() == 1
