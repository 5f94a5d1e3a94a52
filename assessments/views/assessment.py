"""Screening and the full assessment: task list, steps, instruments, autosave, sign-off,
addenda."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods, require_POST

from accounts.audit import audit_view
from accounts.policy import Action
from core.view_helpers import submit
from referrals.enums import ReferralStatus

from .. import instruments, selectors, services
from ..forms import (
    SECTION_FORMS,
    AddendumForm,
    InstrumentForm,
    ScreeningForm,
    VersionForm,
    draft_querydict,
)
from ..sections import BY_KEY, SECTIONS
from .common import (
    AUTOSAVE_STEPS,
    answer_cards,
    blocker_link,
    display,
    draft_notice_text,
    instrument_rows,
    restored_draft,
    returns_to_check,
)

# Screening ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def screening(request, referral_pk):
    referral = selectors.referral_for_work(request, referral_pk, Action.CREATE)
    existing = getattr(referral, "screening", None)
    if existing is not None or referral.status != ReferralStatus.RECEIVED:
        if request.method == "POST":
            messages.error(request, "This referral has already been screened.")
        return redirect(referral.get_absolute_url())
    draft_notice = None
    if request.method == "POST":
        form = ScreeningForm(request.POST)
        outcome = submit(
            request,
            form,
            lambda data: services.screening_complete(
                referral=referral,
                data={k: v for k, v in data.items() if k != "vulnerabilities"},
                vulnerabilities=data["vulnerabilities"],
                by=request.user,
                request=request,
            ),
        )
        if outcome:
            messages.success(request, "Screening recorded")
            return redirect(referral.get_absolute_url())
        status = outcome.status
    else:
        draft = restored_draft(request, referral.pk, "screening")
        if draft:
            form = ScreeningForm(draft_querydict(draft.data)).restore()
            draft_notice = draft_notice_text(draft)
        else:
            form = ScreeningForm(
                initial={"screened_on": timezone.localdate(), "urgency": referral.urgency}
            )
        status = 200
        audit_view(request, referral, referral.person_id, "screening form")
    context = {
        "referral": referral,
        "person": referral.person,
        "form": form,
        "draft_notice": draft_notice,
        "autosave_url": reverse("assessments:autosave", args=[referral.pk, "screening"]),
    }
    return render(request, "assessments/screening.html", context, status=status)


# The assessment ----------------------------------------------------------------------


@require_POST
def assessment_start(request, referral_pk):
    referral = selectors.referral_for_work(request, referral_pk, Action.CREATE)
    try:
        assessment = services.assessment_start(referral=referral, by=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(referral.get_absolute_url())
    return redirect(assessment.get_absolute_url())


def assessment_context(request, assessment, **extra):
    responses = selectors.assessment_responses(assessment)
    return {
        "assessment": assessment,
        "referral": assessment.referral,
        "person": assessment.referral.person,
        "self_harm": any(r.has_self_harm_flag for r in responses.values()),
        "responses": responses,
        **extra,
    }


@require_http_methods(["GET"])
def assessment_detail(request, pk):
    if not selectors.is_team_scope(request.user):
        return redirect("assessments:summary", pk=pk)
    assessment = selectors.assessment_get_for_user(request, pk)
    audit_view(request, assessment, assessment.referral.person_id)
    return _render_detail(request, assessment)


def _render_detail(request, assessment, *, status=200, error=None):
    context = assessment_context(request, assessment, error=error)
    responses = context["responses"]  # read once, for the banner and the tables
    if assessment.is_signed:
        addenda = list(assessment.addenda.select_related("added_by"))
        context["sections"] = [
            {
                "section": section,
                "fields": [
                    (assessment._meta.get_field(name), display(assessment, name))
                    for name in section.fields
                ],
                "addenda": [a for a in addenda if a.section == section.key],
            }
            for section in SECTIONS
        ]
        context["general_addenda"] = [a for a in addenda if not a.section]
        context["completed_responses"] = [r for r in responses.values() if r.is_complete]
        return render(request, "assessments/assessment_signed.html", context, status=status)
    context["tasks"] = selectors.task_list(assessment, responses, user=request.user)
    return render(request, "assessments/task_list.html", context, status=status)


def _refuse_signed(request, assessment):
    """Editing a signed assessment: nothing is changed, and the page says why."""
    message = (
        "This assessment was signed and cannot be changed. "
        "Add an addendum with the reason for the correction instead."
    )
    return _render_detail(request, assessment, status=409, error=message)


@require_http_methods(["GET", "POST"])
def section(request, pk, key):
    assessment = selectors.assessment_get_for_user(request, pk, Action.CHANGE)
    current = BY_KEY.get(key)
    if current is None:
        raise Http404("No such section")
    if assessment.is_signed:
        if request.method == "POST":
            return _refuse_signed(request, assessment)
        return redirect(assessment.get_absolute_url())
    form_class = SECTION_FORMS[key]
    step = f"section-{key}"
    draft_notice = None
    back_to_check = returns_to_check(request)
    if request.method == "POST":
        form = form_class(request.POST, instance=assessment)
        outcome = submit(
            request,
            form,
            lambda data: services.assessment_section_save(
                assessment=assessment,
                section_key=key,
                data=form.section_data(),
                expected_version=data["version"],
                by=request.user,
                request=request,
            ),
        )
        if outcome and back_to_check:
            return redirect("assessments:sign", pk=assessment.pk)
        if outcome:
            return redirect(_next_step_url(assessment, key))
        status = outcome.status
    else:
        draft = restored_draft(request, assessment.referral_id, step)
        if draft:
            form, draft_notice = _restored_section_form(form_class, assessment, key, draft)
        else:
            form = form_class(instance=assessment, initial={"version": assessment.version})
        status = 200
        audit_view(request, assessment, assessment.referral.person_id, f"section {key}")
    context = assessment_context(
        request,
        assessment,
        form=form,
        current=current,
        draft_notice=draft_notice,
        back_url=_back_url(assessment, back_to_check),
        autosave_url=reverse("assessments:autosave", args=[assessment.referral_id, step]),
    )
    return render(request, "assessments/section.html", context, status=status)


def _back_url(assessment, back_to_check: bool) -> str:
    if back_to_check:
        return reverse("assessments:sign", args=[assessment.pk])
    return assessment.get_absolute_url()


def _restored_section_form(form_class, assessment, key, draft):
    """The step as the user left it. If the section was saved since they typed (by someone
    else: saving discards one's own draft), saving the draft is refused as a stale edit,
    so a colleague's work is never overwritten unseen."""
    data = draft_querydict(draft.data)
    notice = draft_notice_text(draft)
    saved = assessment.section_saved(key)
    if saved is not None and saved > draft.saved_at and data.get("version"):
        notice += (
            f" This section was saved by someone else at "
            f"{date_format(timezone.localtime(saved), 'H:i')}, after you typed this: "
            "check their changes before saving yours."
        )
    else:
        data["version"] = str(assessment.version)
    return form_class(data, instance=assessment).restore(), notice


def _next_step_url(assessment, key):
    keys = [s.key for s in SECTIONS]
    index = keys.index(key)
    if index + 1 < len(keys):
        return reverse("assessments:section", args=[assessment.pk, keys[index + 1]])
    return assessment.get_absolute_url()


@require_http_methods(["GET", "POST"])
def instrument(request, pk, slug):
    assessment = selectors.assessment_get_for_user(request, pk, Action.CHANGE)
    definition = instruments.BY_SLUG.get(slug)
    if definition is None:
        raise Http404("No such instrument")
    if assessment.is_signed:
        if request.method == "POST":
            return _refuse_signed(request, assessment)
        return redirect(assessment.get_absolute_url())
    response = selectors.assessment_responses(assessment).get(definition.code)
    step = f"instrument-{slug}"
    draft_notice = None
    back_to_check = returns_to_check(request)
    if request.method == "POST":
        form = InstrumentForm(request.POST, instrument=definition)
        outcome = submit(
            request,
            form,
            lambda data: services.instrument_save(
                code=definition.code,
                answers=form.answers(),
                difficulty=form.difficulty_answer(),
                assessment=assessment,
                by=request.user,
                request=request,
            ),
        )
        if outcome:
            messages.success(request, _instrument_message(outcome.result))
            return redirect(_back_url(assessment, back_to_check))
        status = outcome.status
    else:
        draft = restored_draft(
            request, assessment.referral_id, step, response.updated_at if response else None
        )
        if draft:
            form = InstrumentForm(draft_querydict(draft.data), instrument=definition).restore()
            draft_notice = draft_notice_text(draft)
        elif response:
            initial = {f"item_{n}": v for n, v in enumerate(response.answers, start=1)}
            initial["difficulty"] = response.difficulty
            form = InstrumentForm(instrument=definition, initial=initial)
        else:
            form = InstrumentForm(instrument=definition)
        status = 200
        audit_view(request, assessment, assessment.referral.person_id, f"instrument {slug}")
    context = assessment_context(
        request,
        assessment,
        form=form,
        instrument=definition,
        response=response,
        draft_notice=draft_notice,
        back_url=_back_url(assessment, back_to_check),
        bands=[[b.low, b.high, b.label] for b in definition.bands],
        autosave_url=reverse("assessments:autosave", args=[assessment.referral_id, step]),
    )
    return render(request, "assessments/instrument.html", context, status=status)


def _instrument_message(response):
    if not response.is_complete:
        return (
            f"{response.code} saved as a draft ({response.answered_count} of "
            f"{len(response.answers)} answered): it is not scored until every item is answered"
        )
    return f"{response.code} scored {response.total}: {response.band_label}"


@require_POST
def instrument_discard(request, pk, slug):
    assessment = selectors.assessment_get_for_user(request, pk, Action.CHANGE)
    definition = instruments.BY_SLUG.get(slug)
    response = definition and selectors.assessment_responses(assessment).get(definition.code)
    if response is None:
        raise Http404("This instrument has not been started")
    if assessment.is_signed:
        return _refuse_signed(request, assessment)
    try:
        services.instrument_discard(response=response, by=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("assessments:instrument", pk=assessment.pk, slug=slug)
    messages.success(request, f"{definition.code} removed from the assessment")
    return redirect(assessment.get_absolute_url())


@require_POST
def autosave(request, referral_pk, step):
    """Keep what the user has typed so far (called by assessment-autosave.js)."""
    referral = selectors.referral_for_work(request, referral_pk, Action.CHANGE)
    if step not in AUTOSAVE_STEPS:
        return JsonResponse({"error": "Unknown step"}, status=404)
    assessment = getattr(referral, "assessment", None)
    if step == "screening" and hasattr(referral, "screening"):
        return JsonResponse({"error": "This referral has already been screened"}, status=409)
    if step != "screening" and (assessment is None or assessment.is_signed):
        return JsonResponse({"error": "This assessment cannot be changed"}, status=409)
    data = {key: values for key, values in request.POST.lists() if key != "csrfmiddlewaretoken"}
    try:
        if step.startswith("instrument-"):
            saved_at = _autosave_instrument(request, assessment, step, data)
        elif step.startswith("section-"):
            draft = services.section_draft_autosave(
                user=request.user, assessment=assessment, step=step, data=data
            )
            if draft is None:
                return JsonResponse(
                    {
                        "error": "Not kept as a draft: this assessment was saved after this "
                        "page was opened. Save this page to keep what you typed."
                    },
                    status=409,
                )
            saved_at = draft.saved_at
        else:
            draft = services.draft_autosave(
                user=request.user, referral=referral, step=step, data=data
            )
            saved_at = draft.saved_at
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=413)
    when = timezone.localtime(saved_at)
    return JsonResponse({"saved_at": when.isoformat(), "display": date_format(when, "H:i:s")})


def _autosave_instrument(request, assessment, step, data):
    """Typed answers of an instrument: kept as a draft, or stored when they carry a risk
    (services.instrument_draft_autosave). Returns when they were saved."""
    definition = instruments.BY_SLUG[step.removeprefix("instrument-")]
    form = InstrumentForm(request.POST, instrument=definition)
    form.is_valid()  # unanswered items are allowed; an invalid one is left out as None
    saved = services.instrument_draft_autosave(
        user=request.user,
        assessment=assessment,
        code=definition.code,
        answers=form.answers(),
        difficulty=form.difficulty_answer(),
        data=data,
        request=request,
    )
    return saved.saved_at if hasattr(saved, "saved_at") else saved.updated_at


@require_http_methods(["GET", "POST"])
def sign(request, pk):
    """Check your answers, then sign: every section's answers with a link to change each,
    and what still stops signing, each linked to the answer that is missing."""
    assessment = selectors.assessment_get_for_user(request, pk, Action.SIGN)
    if assessment.is_signed:
        if request.method == "POST":
            return _refuse_signed(request, assessment)
        return redirect(assessment.get_absolute_url())
    problems = [blocker_link(assessment, b) for b in services.sign_blockers(assessment)]
    status = 200
    if request.method == "POST":
        form = VersionForm(request.POST)
        if not form.is_valid():
            problems = [_sign_problem(assessment, "Reload the page and try again", "stale")]
            status = 400
        else:
            try:
                services.assessment_sign(
                    assessment=assessment,
                    by=request.user,
                    expected_version=form.cleaned_data["version"],
                    request=request,
                )
            except ValidationError as exc:
                code = getattr(exc, "code", "")
                if code or not problems:  # not a missing answer: someone saved, or status
                    problems = [_sign_problem(assessment, m, code) for m in exc.messages]
                status = 409 if code == "stale" else 400
            else:
                messages.success(request, "Assessment signed. It can no longer be edited.")
                return redirect(assessment.get_absolute_url())
    else:
        audit_view(request, assessment, assessment.referral.person_id, "sign")
    context = assessment_context(request, assessment, problems=problems)
    context["cards"] = answer_cards(
        assessment, selectors.draft_steps(request.user, assessment.referral_id)
    )
    context["instrument_rows"] = instrument_rows(assessment, context["responses"])
    context["version_form"] = VersionForm(initial={"version": assessment.version})
    return render(request, "assessments/sign.html", context, status=status)


def _sign_problem(assessment, text, code) -> dict:
    """A refusal that is not a missing answer: reload the page (someone saved since), or
    see the referral (its status does not allow signing)."""
    if code == "status":
        return {"text": text, "url": assessment.referral.get_absolute_url()}
    return {"text": text, "url": reverse("assessments:sign", args=[assessment.pk])}


@require_http_methods(["GET", "POST"])
def addendum(request, pk):
    assessment = selectors.assessment_get_for_user(request, pk, Action.CHANGE)
    if not assessment.is_signed:
        messages.error(request, "Edit the draft directly: addenda are for signed assessments.")
        return redirect(assessment.get_absolute_url())
    form = AddendumForm(request.POST or None, initial={"section": request.GET.get("section", "")})
    if request.method == "GET":
        audit_view(request, assessment, assessment.referral.person_id, "addendum form")
    outcome = submit(
        request,
        form,
        lambda data: services.addendum_add(
            assessment=assessment, by=request.user, request=request, **data
        ),
    )
    if outcome:
        messages.success(request, "Addendum added")
        return redirect(assessment.get_absolute_url())
    context = assessment_context(request, assessment, form=form)
    return render(request, "assessments/addendum.html", context, status=outcome.status)
