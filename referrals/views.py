"""Screens for people and referrals: my work, the list and search, intake, the record pages.

Every page that shows a person's record writes an audit entry (AuditAction.VIEW). Names and
identifiers never appear in URLs: searches are posted and kept in the session under an
opaque token (core.search_tokens).
"""

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods, require_POST

from accounts.audit import audit_record, audit_view
from accounts.enums import AuditAction, Role
from accounts.policy import Action, Kind, may, permits, require, scoped
from core.concurrency import StaleEditError
from core.forms import is_record_id
from core.paging import page_links, since_from_query
from core.search_tokens import store_search, stored_search

from . import selectors, services
from .enums import ReferralStatus
from .forms import (
    MatchDecisionForm,
    PersonForm,
    ReferralAssignForm,
    ReferralBulkAllocateForm,
    ReferralFilterForm,
    ReferralForm,
    ReferralSearchForm,
    ReferralTransferForm,
    ReferralTransitionForm,
)
from .models import Referral

SEARCH_SESSION_KEY = "referral_searches"
# The list's page cursors (core.paging) hold sort keys such as a name, so they are kept in
# the session like searches and the URL carries only an opaque token (?after=, ?before=).
CURSOR_SESSION_KEY = "referral_list_cursors"
MAX_STORED_CURSORS = 100  # two a page: the browser's Back button works for 50 pages
FILTER_PARAMS = (
    "queue",
    "status",
    "source",
    "site",
    "assignee",
    "received_from",
    "received_to",
    "sort",
)


# My work and the list ---------------------------------------------------------------


@require_http_methods(["GET"])
def my_work(request):
    """The user's queues, and what was allocated or transferred to them since they last
    looked ("New to me"; the look is recorded once the page has rendered)."""
    require(request, Action.VIEW, Kind.REFERRAL)
    opened_at = timezone.now()
    queues = selectors.my_work(user=request.user)
    since = selectors.new_to_me_since(request.user, selectors.my_work_last_look(request.user))
    context = {
        "queues": queues,
        "new_to_me": selectors.new_to_me(user=request.user, since=since),
        "new_to_me_since": since,
        "new_to_me_query": urlencode({"since": since.isoformat()}),
    }
    response = render(request, "referrals/my_work.html", context)
    services.my_work_look_record(user=request.user, looked_at=opened_at)
    return response


@require_http_methods(["GET"])
def my_work_new_to_me(request):
    """All that is new to the user, most recent first, page by page. As the caseload's New
    to me page: My work's link carries its starting point (`since`), so its pages stay the
    same list and the look My work recorded stands; opened directly, it is measured from
    the last look and records this one once rendered."""
    require(request, Action.VIEW, Kind.REFERRAL)
    opened_at = timezone.now()
    since = since_from_query(request.GET.get("since"))
    from_url = since is not None
    if since is None:
        since = selectors.new_to_me_since(request.user, selectors.my_work_last_look(request.user))
    page = selectors.new_to_me_page(
        user=request.user,
        since=since,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
    )
    context = {
        "page": page,
        "rows": page.rows,
        "since": since,
        **page_links(page, urlencode({"since": since.isoformat()})),
    }
    audit_record(
        action=AuditAction.VIEW,
        user=request.user,
        object_type="referrals.my_work",
        detail="new to me",
        request=request,
    )
    response = render(request, "referrals/my_work_new_to_me.html", context)
    if not from_url:
        services.my_work_look_record(user=request.user, looked_at=opened_at)
    return response


def _filter_query(params, **extra) -> str:
    kept = {k: params[k] for k in FILTER_PARAMS if params.get(k)}
    kept.update({k: v for k, v in extra.items() if v})
    return urlencode(kept)


@require_http_methods(["GET", "POST"])
def referral_list(request):
    require(request, Action.VIEW, Kind.REFERRAL)
    token = request.GET.get("search", "")
    search = stored_search(request, SEARCH_SESSION_KEY, token)
    search_form = ReferralSearchForm(request.POST or None)
    if request.method == "POST":
        if search_form.is_valid():
            search = search_form.cleaned_data["q"]
            audit_record(
                action=AuditAction.SEARCH,
                user=request.user,
                object_type="referrals.referral",
                detail=f"referral list search by {search['kind']}",
                request=request,
            )
            query = _filter_query(
                request.GET, search=store_search(request, SEARCH_SESSION_KEY, search)
            )
            return redirect(f"{reverse('referrals:referral_list')}?{query}")
    elif search:
        search_form = ReferralSearchForm(initial={"q": search["value"]})
    filter_form = ReferralFilterForm(request.GET or None, user=request.user)
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    sort = filters.get("sort") or "-received"
    page = selectors.referral_list(
        user=request.user,
        filters=filters,
        search=search,
        sort=sort,
        after=_stored_cursor(request, "after"),
        before=_stored_cursor(request, "before"),
    )
    base_query = _filter_query(request.GET, search=token if search else "")
    context = {
        "search_form": search_form,
        "filter_form": filter_form,
        "error_forms": [search_form, filter_form],
        "search": search,
        "rows": page.rows,
        "page": page,
        # A page past the last row (the last ones were closed or deleted meanwhile).
        "empty_text": "No referrals match." if page.is_first else "No more referrals.",
        **_paging_queries(request, page, base_query),
        "sort": sort,
        "sort_links": _sort_links(request.GET, token if search else "", sort),
        "clear_search_query": _filter_query(request.GET),
        "allocate_form": (
            ReferralBulkAllocateForm(team_id=request.user.team_id)
            if permits(request.user, Action.ALLOCATE, Kind.REFERRAL)
            else None
        ),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "referrals/referral_list.html", context, status=status)


def _stored_cursor(request, param: str) -> str | None:
    """The cursor kept under the token in ?after= or ?before= (None: the first page)."""
    return stored_search(request, CURSOR_SESSION_KEY, request.GET.get(param, ""))


def _paging_queries(request, page, base_query: str) -> dict:
    """The next, previous and first pages' query strings ("" when there is none), each
    cursor stored in the session behind a token."""
    joined = f"{base_query}&" if base_query else ""
    links = {"first_query": base_query}
    for name, param, cursor in (
        ("next_query", "after", page.next_cursor),
        ("previous_query", "before", page.previous_cursor),
    ):
        token = cursor and store_search(
            request, CURSOR_SESSION_KEY, cursor, limit=MAX_STORED_CURSORS
        )
        links[name] = f"{joined}{urlencode({param: token})}" if token else ""
    return links


def _sort_links(params, token, current):
    links = {}
    for key, default in (("received", "-received"), ("status", "status"), ("name", "name")):
        target = default
        if key == "received" and current == "-received":
            target = "received"
        query = {k: params[k] for k in FILTER_PARAMS if params.get(k) and k != "sort"}
        query["sort"] = target
        if token:
            query["search"] = token
        links[key] = {
            "query": urlencode(query),
            "active": current.lstrip("-") == key,
            "direction": "descending" if current.startswith("-") else "ascending",
        }
    return links


# Intake -----------------------------------------------------------------------------


def _record_id(value) -> int | None:
    """A record's id typed in ASCII digits within a database integer, or None."""
    return int(value) if value and is_record_id(value) else None


@require_http_methods(["GET", "POST"])
def intake(request):
    """Record a referral; create the person unless they are already known (find-or-create)."""
    require(request, Action.CREATE, Kind.REFERRAL)
    require(request, Action.CREATE, Kind.PERSON)
    known_person = None
    person_id = _record_id(request.POST.get("person") or request.GET.get("person"))
    if person_id is not None:
        known_person = selectors.person_get_for_user(request, person_id)
    data = request.POST if request.method == "POST" else None
    referral_form = ReferralForm(data, prefix="referral", user=request.user)
    person_form = None if known_person else PersonForm(data, prefix="person", user=request.user)
    context = {
        "known_person": known_person,
        "person_form": person_form,
        "referral_form": referral_form,
        "forms": [f for f in (person_form, referral_form) if f is not None],
    }
    if request.method == "GET":
        if known_person is not None:  # the page shows who they are: a view of the person
            audit_view(request, known_person, known_person.pk)
        return render(request, "referrals/intake.html", context)
    return _intake_post(request, context)


def _intake_post(request, context):
    person_form, referral_form = context["person_form"], context["referral_form"]
    person = context["known_person"]
    decision = request.POST.get("match_decision", "")
    if person is None and _record_id(decision) is not None:
        # "Use this existing person" (a likely match, or the holder of an identifier typed):
        # only the referral is recorded, from the fields posted with the choice.
        person = selectors.person_get_for_user(request, _record_id(decision))
        person_form = None
        context.update(known_person=person, person_form=None, forms=[referral_form])
    person_ok = person_form is None or person_form.is_valid()
    if not (referral_form.is_valid() and person_ok):
        duplicates = _duplicates_for(request, person_form)
        context["identifier_duplicates"] = duplicates
        # Offered as buttons of this form, so the choice is posted with everything typed.
        context["record_for"] = list(
            {d["person"].pk: d["person"] for d in duplicates if d["visible"]}.values()
        )
        return render(request, "referrals/intake.html", context, status=400)
    if person is None and decision != MatchDecisionForm.NEW:
        matches = selectors.likely_matches(
            user=request.user,
            given_name=person_form.cleaned_data["given_name"],
            family_name=person_form.cleaned_data["family_name"],
            date_of_birth=person_form.cleaned_data["date_of_birth"],
        )
        if matches:
            for match in matches:
                audit_view(request, match, match.pk)
            context["matches"] = matches
            context["match_form"] = MatchDecisionForm(matches=matches)
            return render(request, "referrals/intake.html", context)
    try:
        referral = services.referral_intake(
            person=person,
            person_data=None if person else person_form.person_data,
            referral_data=referral_form.referral_data,
            vulnerabilities=referral_form.cleaned_data["vulnerabilities"],
            by=request.user,
            request=request,
        )
    except ValidationError as exc:
        _attach_errors(person_form if person is None else None, referral_form, exc)
        return render(request, "referrals/intake.html", context, status=400)
    messages.success(request, f"Referral {referral.reference} recorded")
    return redirect(referral)


def _duplicates_for(request, person_form):
    """People already holding an identifier typed; those the user may see are named (and
    the view of each is audited), the others only said to exist."""
    if person_form is None:
        return []
    duplicates = [
        {
            "field": person_form.fields[field].label,
            "person": existing,
            "visible": selectors.person_visible_to(request.user, existing),
        }
        for field, existing in person_form.identifier_duplicates
    ]
    for person in {d["person"].pk: d["person"] for d in duplicates if d["visible"]}.values():
        audit_view(request, person, person.pk)
    return duplicates


def _attach_errors(person_form, other_form, exc: ValidationError):
    """A clash found at save time (another user was quicker): show it on the right form."""
    forms = [f for f in (person_form, other_form) if f is not None]
    errors = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
    for field, field_errors in errors.items():
        target = next((f for f in forms if field in f.fields), None)
        for message in field_errors:
            (target or forms[-1]).add_error(field if target else None, message)


# The referral -----------------------------------------------------------------------


@require_http_methods(["GET"])
def referral_detail(request, pk):
    referral = selectors.referral_get_for_user(request, pk)
    audit_view(request, referral, referral.person_id)
    return _render_referral(request, referral)


def _render_referral(request, referral, *, transition_form=None, assign_form=None, status=200):
    history = referral.status_changes.select_related("changed_by").order_by("changed_at", "id")
    transition_form = transition_form or ReferralTransitionForm(referral=referral)
    assign_form = assign_form or ReferralAssignForm(referral=referral)
    context = {
        "referral": referral,
        "person": referral.person,
        "history": history,
        "is_overdue": selectors.mark_overdue([referral])[0].is_overdue,
        "transition_form": transition_form,
        "assign_form": assign_form,
        "action_forms": [transition_form, assign_form],
        "may_allocate": request.user.role == Role.TEAM_LEAD,
        "may_transfer": referral.is_open
        and may(request.user, Action.TRANSFER, Kind.REFERRAL, referral),
        "allocations": selectors.referral_allocations(referral),
        "panels": selectors.referral_panels(request, referral),
    }
    return render(request, "referrals/referral_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
def referral_edit(request, pk):
    referral = selectors.referral_get_for_user(request, pk, Action.CHANGE)
    form = ReferralForm(request.POST or None, instance=referral, user=request.user)
    form.fields["version"].required = True
    if request.method == "GET":
        audit_view(request, referral, referral.person_id)
    elif form.is_valid():
        try:
            services.referral_update(
                referral=form.save(commit=False),
                expected_version=form.cleaned_data["version"],
                vulnerabilities=form.cleaned_data["vulnerabilities"],
                by=request.user,
                request=request,
            )
        except StaleEditError as exc:
            form.add_error(None, exc.messages[0])
            return render(
                request, "referrals/referral_edit.html", _edit_context(form, referral), status=409
            )
        except ValidationError as exc:
            _attach_errors(None, form, exc)
        else:
            messages.success(request, f"Referral {referral.reference} updated")
            return redirect(referral)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "referrals/referral_edit.html", _edit_context(form, referral), status=status
    )


def _edit_context(form, referral):
    return {"form": form, "form_list": [form], "referral": referral, "person": referral.person}


@require_POST
def referral_transition(request, pk):
    referral = selectors.referral_get_for_user(request, pk, Action.CHANGE)
    form = ReferralTransitionForm(request.POST, referral=referral)
    if form.is_valid():
        try:
            services.referral_transition(
                referral=referral,
                to_status=form.cleaned_data["to_status"],
                closure_reason=form.cleaned_data["closure_reason"],
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
                by=request.user,
                request=request,
            )
        except StaleEditError as exc:
            form.add_error(None, exc.messages[0])
            return _render_referral(request, referral, transition_form=form, status=409)
        except ValidationError as exc:
            _attach_errors(None, form, exc)
        else:
            label = ReferralStatus(form.cleaned_data["to_status"]).label.lower()
            messages.success(request, f"Referral {referral.reference} is now {label}")
            return redirect(referral)
    return _render_referral(request, referral, transition_form=form, status=400)


@require_http_methods(["GET", "POST"])
def referral_transfer(request, pk):
    """GET: the form (another active L&D team, optionally one of its practitioners, and
    why); POST: move the referral there (services.referral_transfer). The team it left can
    no longer open it, so the confirmation is shown on My work."""
    referral = selectors.referral_get_for_user(request, pk, Action.TRANSFER)
    if not referral.is_open:
        messages.error(request, "This referral is closed: reopen it before transferring it.")
        return redirect(referral)
    form = ReferralTransferForm(request.POST or None, referral=referral)
    status = 400 if request.method == "POST" else 200
    if request.method == "GET":
        audit_view(request, referral, referral.person_id)
    elif form.is_valid():
        team, assignee = form.cleaned_data["team"], form.cleaned_data["assignee"]
        try:
            services.referral_transfer(
                referral=referral,
                team=team,
                assignee=assignee,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
                by=request.user,
                request=request,
            )
        except StaleEditError as exc:
            form.add_error(None, exc.messages[0])
            status = 409
        except ValidationError as exc:
            _attach_errors(None, form, exc)
        else:
            to = f" and allocated to {assignee.display_name}" if assignee else ""
            messages.success(
                request, f"Referral {referral.reference} transferred to {team.name}{to}"
            )
            return redirect("referrals:my_work")
    context = {"form": form, "form_list": [form], "referral": referral, "person": referral.person}
    return render(request, "referrals/referral_transfer.html", context, status=status)


@require_POST
def referral_bulk_allocate(request):
    """A team lead gives the ticked referrals to one practitioner: all of them, or none
    (a referral outside the lead's team refuses the lot, as not found)."""
    require(request, Action.ALLOCATE, Kind.REFERRAL)
    back = request.POST.get("next", "")
    # Only a path on this site (never a view name or another host).
    if not back.startswith("/") or not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}
    ):
        back = reverse("referrals:referral_list")
    form = ReferralBulkAllocateForm(request.POST, team_id=request.user.team_id)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return HttpResponseRedirect(back)
    assignee = form.cleaned_data["assigned_to"]
    try:
        count = services.referrals_allocate(
            referral_ids=form.cleaned_data["referrals"],
            queryset=scoped(request.user, Action.ALLOCATE, Kind.REFERRAL, Referral.objects.all()),
            assignee=assignee,
            by=request.user,
            request=request,
        )
    except Referral.DoesNotExist as exc:
        audit_record(
            action=AuditAction.REFUSED,
            user=request.user,
            object_type="referrals:referral_bulk_allocate",
            detail="allocate referral out of scope or missing",
            request=request,
        )
        raise Http404("A selected referral is outside your team, or no longer exists.") from exc
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return HttpResponseRedirect(back)
    noun = "referral" if count == 1 else "referrals"
    messages.success(request, f"{count} {noun} allocated to {assignee.display_name}")
    return HttpResponseRedirect(back)


@require_POST
def referral_assign(request, pk):
    """A team lead allocates to anyone in the team; a practitioner can only take it."""
    referral = selectors.referral_get_for_user(request, pk, Action.CHANGE)
    form = ReferralAssignForm(request.POST, referral=referral)
    if form.is_valid():
        assignee = form.cleaned_data["assigned_to"]
        if request.user.role != Role.TEAM_LEAD and assignee != request.user:
            raise PermissionDenied("Only a team lead can allocate work to someone else.")
        try:
            services.referral_assign(
                referral=referral,
                assignee=assignee,
                expected_version=form.cleaned_data["version"],
                by=request.user,
                request=request,
            )
        except StaleEditError as exc:
            form.add_error(None, exc.messages[0])
            return _render_referral(request, referral, assign_form=form, status=409)
        who = "you" if assignee == request.user else (assignee or "nobody")
        messages.success(request, f"Referral {referral.reference} assigned to {who}")
        return redirect(referral)
    return _render_referral(request, referral, assign_form=form, status=400)


# The person -------------------------------------------------------------------------


@require_http_methods(["GET"])
def person_detail(request, pk):
    person = selectors.person_get_for_user(request, pk)
    audit_view(request, person, person.pk)
    referrals = selectors.person_referrals(user=request.user, person=person)
    person._visible_referrals = referrals  # the timeline provider reuses these rows
    context = {
        "person": person,
        "referrals": referrals,
        "timeline": selectors.person_timeline(person, request.user),
        "may_refer": _may(request.user, Action.CREATE, Kind.REFERRAL),
        "may_edit": _may(request.user, Action.CHANGE, Kind.PERSON),
    }
    return render(request, "referrals/person_detail.html", context)


def _may(user, action, kind):
    from accounts.policy import permits

    return permits(user, action, kind)


@require_http_methods(["GET", "POST"])
def person_edit(request, pk):
    person = selectors.person_get_for_user(request, pk, Action.CHANGE)
    form = PersonForm(request.POST or None, instance=person, user=request.user)
    form.fields["version"].required = True
    context = {"form": form, "form_list": [form], "person": person}
    if request.method == "GET":
        audit_view(request, person, person.pk)
        return render(request, "referrals/person_edit.html", context)
    if form.is_valid():
        try:
            services.person_update(
                person=form.save(commit=False),
                expected_version=form.cleaned_data["version"],
                by=request.user,
                request=request,
            )
        except StaleEditError as exc:
            form.add_error(None, exc.messages[0])
            return render(request, "referrals/person_edit.html", context, status=409)
        except ValidationError as exc:
            _attach_errors(form, None, exc)
        else:
            messages.success(request, "Person's details updated")
            return redirect(person)
    context["identifier_duplicates"] = _duplicates_for(request, form)
    return render(request, "referrals/person_edit.html", context, status=400)


# Subject access (issue 7, section 6) -----------------------------------------------------


def _subject_access_person(request, pk):
    person = selectors.person_get_for_user(request, pk, Action.EXPORT)
    audit_record(
        action=AuditAction.EXPORT,
        user=request.user,
        obj=person,
        person_id=person.pk,
        detail="subject access export",
        request=request,
    )
    return person


def _subject_access(request, pk):
    from .subject_access import subject_access_export

    person = _subject_access_person(request, pk)
    return person, subject_access_export(person=person)


@require_http_methods(["GET"])
def subject_access(request, pk):
    """Printable page of everything held about one person (team leads of their team), in
    labels the person can read, grouped by referral."""
    from .subject_access_page import readable_subject_access

    person = _subject_access_person(request, pk)
    return render(
        request,
        "referrals/subject_access.html",
        {
            "person": person,
            "held": readable_subject_access(person=person),
            "generated_at": timezone.now(),
        },
    )


@require_http_methods(["GET"])
def subject_access_json(request, pk):
    """The same export as a machine-readable JSON download."""
    from django.http import JsonResponse

    _person, export = _subject_access(request, pk)
    response = JsonResponse(export, json_dumps_params={"indent": 2})
    # Named for what it is and when it was made: never the person's record number or name.
    filename = f"subject-access-export_{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
