"""Reads of screenings, assessments, instruments, consent and onward referrals.

Everything is scoped through accounts.policy. Anything shown to probation or the court
goes through `assessment_for_sharing`, which returns nothing without current consent.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404
from django.urls import reverse

from accounts.policy import (
    Action,
    Kind,
    Scope,
    get_for_user_or_404,
    require,
    scope_for,
    scoped,
)
from core.compiled import compiled_for_user
from referrals.enums import ReferralStatus
from referrals.models import Person, Referral
from referrals.selectors import referral_get_for_user

from . import instruments
from .enums import Agency, AssessmentStatus, ConsentKind, ScreeningDecision
from .models import (
    Addendum,
    Assessment,
    Consent,
    Disclosure,
    FormDraft,
    InstrumentResponse,
    OnwardReferral,
    Screening,
)
from .sections import SECTIONS, section_state


def assessments_visible(user, action: str = Action.VIEW) -> QuerySet:
    """Assessments `user` may `action`; fails closed if a scope is not registered yet."""
    try:
        return scoped(user, action, Kind.ASSESSMENT, Assessment.objects.all())
    except LookupError:
        return Assessment.objects.none()


def is_team_scope(user, action: str = Action.VIEW) -> bool:
    """The user works in the L&D team that owns assessments (sees the whole record)."""
    return scope_for(user, action, Kind.ASSESSMENT) == Scope.TEAM


def assessment_get_for_user(request, pk: int, action: str = Action.VIEW) -> Assessment:
    """The assessment, or 403 (role may not) / 404 (out of scope), audited by the policy."""
    queryset = Assessment.objects.select_related(
        "referral", "referral__person", "referral__team", "signed_by", "started_by"
    )
    try:
        return get_for_user_or_404(request, action, Kind.ASSESSMENT, queryset, pk=pk)
    except LookupError as exc:  # the role's scope is not registered: fail closed
        raise Http404("No such record, or it is outside your caseload.") from exc


def referral_for_work(request, pk: int, action: str = Action.CHANGE) -> Referral:
    """A referral the user's L&D team may screen, assess or record consent on."""
    if require(request, action, Kind.ASSESSMENT) != Scope.TEAM:
        raise PermissionDenied("Only the person's L&D team can do this.")
    return referral_get_for_user(request, pk, Action.VIEW)


# Consent and sharing -----------------------------------------------------------------


LATEST_FIRST = ("-recorded_at", "-id")  # the decision that stands is the last recorded


def current_consent(referral_id: int, kind: str) -> Consent | None:
    """The latest recorded decision of this kind (which may be a refusal or withdrawn)."""
    return (
        Consent.objects.filter(referral_id=referral_id, kind=kind).order_by(*LATEST_FIRST).first()
    )


def consent_to_share_current(referral_ref: str, agency: str | None = None) -> Exists:
    """The consent-to-share rule as a query, for filters on any model with a referral.

    True for a row whose referral (the field `referral_ref` of that row) has, as its latest
    consent-to-share decision, one that was given, is not withdrawn and (when `agency` is
    named) covers that agency. Only that referral's decisions count: consent given on
    another referral of the same person opens nothing here, and a later refusal or a
    withdrawal on this referral closes it. Access scopes (treatment_requirements.scopes)
    and `consent_to_share_given` both use it, so the rule is written once.
    """
    # Two levels out: `latest` runs inside `decision`, which runs inside the caller's query.
    latest = Consent.objects.filter(
        referral_id=OuterRef(OuterRef(referral_ref)), kind=ConsentKind.TO_SHARE
    ).order_by(*LATEST_FIRST)
    decision = Consent.objects.filter(
        pk=Subquery(latest.values("pk")[:1]), given=True, withdrawn_on__isnull=True
    )
    if agency is not None:
        if agency not in Agency.values:
            raise ValueError(f"Unknown agency {agency!r}")
        decision = decision.filter(**{f"share_with_{agency}": True})
    return Exists(decision)


def consent_to_share_given(assessment: Assessment, agency: str | None = None) -> bool:
    """True when the person's latest decision on the assessment's referral is consent to
    share, not withdrawn (and covering `agency` when one is named)."""
    return (
        Referral.objects.filter(pk=assessment.referral_id)
        .filter(consent_to_share_current("pk", agency))
        .exists()
    )


def assessment_for_sharing(*, assessment: Assessment, agency: str | None = None):
    """The signed assessment when it may be shared (with `agency`), otherwise None."""
    if assessment is None or assessment.status != AssessmentStatus.SIGNED:
        return None
    if not consent_to_share_given(assessment, agency):
        return None
    return assessment


def disclosures_under(consent: Consent) -> list[Disclosure]:
    return list(consent.disclosures.select_related("disclosed_by").order_by("disclosed_at"))


# Instruments -------------------------------------------------------------------------


def latest_instrument_results(*, person: Person) -> dict[str, InstrumentResponse]:
    """The most recent completed response of each instrument for the person."""
    results: dict[str, InstrumentResponse] = {}
    responses = InstrumentResponse.objects.filter(person=person, is_complete=True).order_by(
        "-completed_at", "-id"
    )
    for response in responses:
        results.setdefault(response.code, response)
    return results


def assessment_responses(assessment: Assessment) -> dict[str, InstrumentResponse]:
    return {response.code: response for response in assessment.instrument_responses.all()}


def self_harm_flagged(assessment: Assessment) -> bool:
    return any(
        response.has_self_harm_flag for response in assessment_responses(assessment).values()
    )


# Lists ------------------------------------------------------------------------------------


def screened_urgency() -> F:
    """For list rows of referrals: the urgency the screening decided (DOMAIN: screening
    decides need, risk and urgency), NULL before screening. Registered with
    referrals.selectors.register_decided_urgency. A LEFT JOIN on the screening (one per
    referral), not a subquery: My work sorts a team's whole backlog by it, and a correlated
    subquery ran once per row and per WHEN of the rank (three probes a row)."""
    return F("screening__urgency")


# The task list -----------------------------------------------------------------------

STATE_LABELS = {
    "completed": "Completed",
    "in_progress": "In progress",
    "not_started": "Not yet started",
}


def task_list(assessment: Assessment, responses: dict | None = None, *, user=None) -> dict:
    """Sections and instruments with their state, for the GOV.UK task list.

    A step holding `user`'s typed draft (not yet saved, not expired) is "In progress": the
    draft is what they will find when they open it (views.common.restored_draft). One
    query for the drafts.
    """
    responses = assessment_responses(assessment) if responses is None else responses
    drafts = draft_steps(user, assessment.referral_id) if user is not None else {}
    sections = []
    for section in SECTIONS:
        state = section_state(assessment, section)
        if f"section-{section.key}" in drafts:
            state = "in_progress"
        sections.append(
            {
                "section": section,
                "state": state,
                "label": STATE_LABELS[state],
                "url": reverse("assessments:section", args=[assessment.pk, section.key]),
            }
        )
    tools = [
        _instrument_task(assessment, definition, responses, drafts)
        for definition in instruments.INSTRUMENTS.values()
    ]
    done = sum(1 for row in sections if row["state"] == "completed")
    return {"sections": sections, "instruments": tools, "done": done, "total": len(sections)}


def _instrument_task(assessment, definition, responses, drafts) -> dict:
    response = responses.get(definition.code)
    typed = drafts.get(f"instrument-{definition.slug}")
    if typed is not None and (response is None or typed > response.updated_at):
        state = "in_progress"  # the page puts back the typing only when it is newer
    elif response is None:
        state = "not_started"
    else:
        state = "completed" if response.is_complete else "in_progress"
    return {
        "instrument": definition,
        "response": response,
        "state": state,
        "label": STATE_LABELS[state] if state != "not_started" else "Not used",
        "url": reverse("assessments:instrument", args=[assessment.pk, definition.slug]),
    }


def draft_for(user, referral_id: int, step: str) -> FormDraft | None:
    """The user's own typed draft of a step of this referral, unless it has expired."""
    return FormDraft.objects.live().filter(user=user, referral_id=referral_id, step=step).first()


def draft_steps(user, referral_id: int) -> dict:
    """Step -> when the user's draft of it was saved, for the referral's live drafts."""
    return dict(
        FormDraft.objects.live()
        .filter(user=user, referral_id=referral_id)
        .values_list("step", "saved_at")
    )


# The referral page panel and the person's timeline -----------------------------------


def referral_panel(request, referral: Referral) -> dict | None:
    """Screening, assessment, consent and onward referrals on the referral page (L&D only)."""
    user = request.user
    if not is_team_scope(user):
        return None
    screening = (
        Screening.objects.filter(referral=referral)
        .select_related("screened_by")
        .prefetch_related("vulnerabilities")
        .first()
    )
    assessment = (
        Assessment.objects.filter(referral=referral)
        .select_related("signed_by")
        .prefetch_related("instrument_responses")
        .first()
    )
    responses = assessment_responses(assessment) if assessment else {}
    consents = list(
        Consent.objects.filter(referral=referral).select_related("recorded_by", "withdrawn_by")
    )
    may_change = is_team_scope(user, Action.CHANGE)
    return {
        "template": "assessments/_referral_panel.html",
        "context": {
            "referral": referral,
            "screening": screening,
            "assessment": assessment,
            "responses": [r for r in responses.values() if r.is_complete],
            "consent_assessed": _latest(consents, ConsentKind.TO_BE_ASSESSED),
            "consent_share": _latest(consents, ConsentKind.TO_SHARE),
            "onward": list(
                OnwardReferral.objects.filter(referral=referral).order_by("-referred_on", "-id")
            ),
            "may_change": may_change,
            "may_screen": may_change
            and screening is None
            and referral.status == ReferralStatus.RECEIVED,
            "may_start": may_change
            and assessment is None
            and screening is not None
            and screening.decision == ScreeningDecision.FULL_ASSESSMENT
            and referral.status == ReferralStatus.SCREENED,
        },
    }


def _latest(consents: list[Consent], kind: str) -> Consent | None:
    return next((consent for consent in consents if consent.kind == kind), None)


def assessment_events(person: Person, user) -> list[dict]:
    """Timeline events for the person's screenings, assessments, instruments, consent and
    onward referrals in the user's team. A fixed number of queries."""
    if not is_team_scope(user):
        return []
    return [
        *_screening_events(person, user),
        *_assessment_events(person, user),
        *_instrument_events(person, user),
        *_consent_events(person, user),
        *_onward_referral_events(person, user),
    ]


# The timeline's queries are compiled once per role (core.compiled) and run with the user's
# and the person's ids: building them cost more CPU than running them.


def _of_referrals(name: str, person: Person, user, model, **related) -> list:
    """The `model` rows of the person's referrals visible to the user."""

    def build(user, person_id):
        referrals = scoped(
            user, Action.VIEW, Kind.REFERRAL, Referral.objects.filter(person_id=person_id)
        )
        rows = model.objects.filter(referral__in=referrals)
        if related.get("select"):
            rows = rows.select_related(*related["select"])
        if related.get("prefetch"):
            rows = rows.prefetch_related(*related["prefetch"])
        return rows

    return compiled_for_user(("person timeline", name), user, build, person_id=person.pk)


def _screening_events(person: Person, user) -> list[dict]:
    screenings = _of_referrals("screenings", person, user, Screening, select=["referral"])
    return [
        _event(
            screening.created_at,
            f"Screened: {screening.get_decision_display().lower()}",
            f"Risk {screening.get_risk_level_display().lower()}, "
            f"{screening.get_urgency_display().lower()}",
            screening.referral.get_absolute_url(),
        )
        for screening in screenings
    ]


def _assessment_events(person: Person, user) -> list[dict]:
    """Started, signed, then each addendum in the order it was added."""
    addenda = Prefetch("addenda", queryset=Addendum.objects.order_by("added_at"))
    assessments = _of_referrals("assessments", person, user, Assessment, prefetch=[addenda])
    events = []
    for assessment in assessments:
        url = assessment.get_absolute_url()
        events.append(_event(assessment.created_at, "Assessment started", "", url))
        if assessment.signed_at:
            events.append(
                _event(
                    assessment.signed_at,
                    "Assessment signed",
                    f"Care threshold: {assessment.get_care_threshold_display().lower()}",
                    url,
                )
            )
        for addendum in assessment.addenda.all():
            events.append(
                _event(addendum.added_at, "Addendum to the assessment", addendum.reason, url)
            )
    return events


def _instrument_events(person: Person, user) -> list[dict]:
    """Scored instruments only (a draft has no result to show); its flags are the detail."""

    def build(user, person_id):
        referrals = scoped(
            user, Action.VIEW, Kind.REFERRAL, Referral.objects.filter(person_id=person_id)
        )
        return InstrumentResponse.objects.filter(person_id=person_id, is_complete=True).filter(
            assessment__referral__in=referrals
        )

    key = ("person timeline", "instruments")
    responses = compiled_for_user(key, user, build, person_id=person.pk)
    return [
        _event(
            response.completed_at,
            f"{response.code}: {response.total} ({response.band_label.lower()})",
            "; ".join(response.flag_labels()),
            "",
        )
        for response in responses
    ]


def _consent_events(person: Person, user) -> list[dict]:
    """Each consent given or refused, and its withdrawal (with the reason) if there is one."""
    events = []
    for consent in _of_referrals("consents", person, user, Consent):
        verb = "given" if consent.given else "refused"
        events.append(_event(consent.recorded_at, f"{consent.get_kind_display()} {verb}", "", ""))
        if consent.withdrawn_recorded_at:
            events.append(
                _event(
                    consent.withdrawn_recorded_at,
                    f"{consent.get_kind_display()} withdrawn",
                    consent.withdrawal_reason,
                    "",
                )
            )
    return events


def _onward_referral_events(person: Person, user) -> list[dict]:
    return [
        _event(
            onward.created_at,
            f"Referred on to {onward.get_service_display()}",
            onward.get_outcome_display(),
            "",
        )
        for onward in _of_referrals("onward referrals", person, user, OnwardReferral)
    ]


def _event(when, title, detail, url) -> dict:
    return {"when": when, "title": title, "detail": detail, "url": url}
