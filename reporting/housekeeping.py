"""Housekeeping (03:30): expire stale form drafts, apply the retention rule, repair the
stored keys of "most urgent first" that drifted (referrals.work_order.repair_work_order),
and delete expired sessions with the searches they kept (accounts.user_sessions), the
files of record-level returns past their 7 days (reporting.return_build) and calendar
invites about appointments long past (notifications.calendar_invites.prune).

Retention rule (settings.LD_RETENTION_YEARS): a person whose every referral has been closed
for longer than the period, and who has no order still active or ended within it, is
anonymised: names, identifiers, postcode and free text are removed, the date of birth
keeps only its year (so the published age bands of old snapshots stay right). Every other
record linked to the person (referrals.subject_access.person_linked_models: assessments,
consents, orders, appointments...) has each DIRECT_IDENTIFIER and FREE_TEXT field blanked
with accounts.classification.anonymise_values. The person's documents are deleted, rows
and stored files (documents.services.documents_purge_for_people; the files once the batch
has committed). `retention_dry_run` reports the counts
without changing anything (manage.py housekeeping --dry-run). Each
person anonymised gets an AnonymisationLog row and an audit entry (ids only). It works on
the referrals' and orders' tables through querysets, so those apps need no code for it.
"""

import logging
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, Value
from django.db.models.functions import TruncYear
from django.utils import timezone

from accounts.audit import audit_record
from accounts.classification import anonymise_values
from accounts.enums import AuditAction
from accounts.user_sessions import expired_sessions_clear
from documents.services import documents_purge_for_people
from notifications import calendar_invites
from referrals.enums import ReferralStatus
from referrals.models import Person, Referral
from referrals.subject_access import person_linked_models, person_rows
from referrals.work_order import repair_work_order

from .models import AnonymisationLog
from .return_build import returns_expire

logger = logging.getLogger(__name__)
BATCH = 500
ANONYMISED = "Anonymised"
RULE = "All referrals closed and orders ended more than {years} years ago"


def expire_stale_drafts() -> int:
    """Delete autosaved form drafts older than LD_DRAFT_EXPIRY_DAYS (never a saved record)."""
    try:
        form_draft = apps.get_model("assessments", "FormDraft")
    except LookupError:
        return 0
    cutoff = timezone.now() - timedelta(days=settings.LD_DRAFT_EXPIRY_DAYS)
    deleted, _ = form_draft.objects.filter(saved_at__lt=cutoff).delete()
    return deleted


def retention_cutoff():
    return timezone.now() - relativedelta(years=settings.LD_RETENTION_YEARS)


def people_due_for_anonymisation():
    """People past the retention period, not yet anonymised, with their last closure."""
    cutoff = retention_cutoff()
    still_held = Referral.objects.filter(person=OuterRef("pk")).filter(
        ~Q(status=ReferralStatus.CLOSED) | Q(closed_at__isnull=True) | Q(closed_at__gte=cutoff)
    )
    people = Person.objects.filter(referrals__isnull=False).exclude(Exists(still_held))
    try:
        order = apps.get_model("treatment_requirements", "Order")
    except LookupError:
        order = None
    if order is not None:
        recent_order = order.objects.filter(person=OuterRef("pk")).filter(
            Q(terminated_on__isnull=True) | Q(terminated_on__gte=cutoff.date())
        )
        people = people.exclude(Exists(recent_order))
    done = AnonymisationLog.objects.filter(person_id=OuterRef("pk"))
    return (
        people.exclude(Exists(done))
        .annotate(last_closed_at=Max("referrals__closed_at"))
        .order_by("pk")
    )


def _not_yet_anonymised(rows) -> list:
    """`rows` less the people another run anonymised first. Two housekeeping runs at once (a
    second beat by mistake, the command run by hand) pick the same people: the people's rows
    are locked here, so the second run waits for the first to commit and then leaves its
    people out, and everyone is anonymised, logged and audited once."""
    ids = [pk for pk, _last in rows]
    list(Person.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
    done = set(
        AnonymisationLog.objects.filter(person_id__in=ids).values_list("person_id", flat=True)
    )
    return [(pk, last) for pk, last in rows if pk not in done]


@transaction.atomic
def _anonymise_batch(rows) -> int:
    """Anonymise the people in `rows` ((pk, last_closed_at)); return how many it did."""
    rows = _not_yet_anonymised(rows)
    if not rows:
        return 0
    ids = [pk for pk, _last in rows]
    Person.objects.filter(pk__in=ids).update(
        given_name=ANONYMISED,
        family_name=ANONYMISED,
        other_names="",
        date_of_birth=TruncYear("date_of_birth"),
        nhs_number=None,
        pnc_id=None,
        cro_number=None,
        postcode_district="",
        search_name=Value(ANONYMISED.casefold()),
        search_family=ANONYMISED.casefold(),
        search_given=ANONYMISED.casefold(),
    )
    documents_purge_for_people(ids)
    for model, lookups in person_linked_models():
        values = anonymise_values(model) if model is not Person else {}
        if values:
            person_rows(model, lookups, ids).update(**values)
    Referral.objects.filter(person_id__in=ids).update(
        referrer_name="", case_reference="", reason="Removed under the retention rule"
    )
    counts = dict(
        Referral.objects.filter(person_id__in=ids)
        .values("person_id")
        .annotate(n=Count("pk"))
        .values_list("person_id", "n")
    )
    rule = RULE.format(years=settings.LD_RETENTION_YEARS)
    now = timezone.now()
    AnonymisationLog.objects.bulk_create(
        AnonymisationLog(
            person_id=pk,
            referrals=counts.get(pk, 0),
            last_closed_at=last or now,
            anonymised_at=now,
            rule=rule,
        )
        for pk, last in rows
    )
    for pk, _last in rows:
        audit_record(
            action=AuditAction.CHANGE,
            object_type="referrals.person",
            object_id=str(pk),
            person_id=pk,
            detail="anonymised under the retention rule",
            username="housekeeping",
        )
    return len(rows)


def apply_retention() -> int:
    """Anonymise everyone past the retention period; return how many people."""
    total = 0
    while True:
        rows = list(people_due_for_anonymisation().values_list("pk", "last_closed_at")[:BATCH])
        if not rows:
            return total
        done = _anonymise_batch(rows)
        total += done
        logger.info("Retention: anonymised %s people", done)


def retention_dry_run() -> dict:
    """What apply_retention would do now, changing nothing: people, and records per model
    (Person, Referral, and every linked model with fields the rule blanks)."""
    due = people_due_for_anonymisation()
    due_ids = Person.objects.filter(pk__in=due.values("pk")).values("pk")
    return {
        "people": due.count(),
        "records": {
            model._meta.label: person_rows(model, lookups, due_ids).count()
            for model, lookups in person_linked_models()
            if model in (Person, Referral) or anonymise_values(model)
        },
    }


def run_housekeeping() -> dict:
    return {
        "drafts_expired": expire_stale_drafts(),
        "anonymised": apply_retention(),
        "work_order_repaired": repair_work_order(),
        "sessions_cleared": expired_sessions_clear(),
        "returns_expired": returns_expire(),
        "calendar_invites_pruned": calendar_invites.prune(),
    }
