"""One way for each job a screen does: submit a form to a service, put the service's
refusal on the form, render the form page, act on rows ticked in a list, list what is
new to the user.

A form view loads its record through the access policy, binds its form, then:

    outcome = submit(request, form, lambda data: services.thing_do(..., by=request.user))
    if outcome:
        messages.success(request, "Done")
        return redirect(thing)
    return form_page(request, TEMPLATE, form, status=outcome.status, title=...)

Auditing the page is `accounts.audit` (`audit_view`, `audit_request`): core imports no app.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from .concurrency import StaleEditError
from .paging import page_links, since_from_query


def posted(request):
    """The POSTed data, even when empty (an empty form must be refused, not shown blank)."""
    return request.POST if request.method == "POST" else None


def apply_errors(exc: ValidationError, *forms, rename: dict | None = None) -> None:
    """Put a service's ValidationError on the forms (None entries are skipped): each
    field's errors beside the first form holding that field (`rename` maps a service's
    field name to the form's), any other at the top of the last form, in its error
    summary. Each error keeps its code (a stale edit's is "stale")."""
    forms = [form for form in forms if form is not None]
    rename = rename or {}
    errors = exc.error_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.error_list}
    for field, field_errors in errors.items():
        name = rename.get(field, field)
        target = next((form for form in forms if name in form.fields), None)
        for error in field_errors:
            (target or forms[-1]).add_error(name if target else None, error)


@dataclass(frozen=True)
class Outcome:
    """What `submit` did: `done` (true when the service call succeeded; the outcome is
    truthy then), what the service returned, and the status the form page answers."""

    done: bool
    result: Any = None
    status: int = 200

    def __bool__(self) -> bool:
        return self.done


def submit(
    request,
    form,
    call: Callable[[dict], Any],
    *,
    forms: tuple = (),
    rename: dict | None = None,
    stale_status: int = 409,
) -> Outcome:
    """On a POST whose form (and every one of `forms`) is valid, call
    `call(form.cleaned_data)`: one service. A ValidationError it raises goes onto the form,
    or onto `forms` in order (see `apply_errors`). Status: 200 for a GET, 400 for a refused
    POST, `stale_status` for a stale edit (core.concurrency)."""
    if request.method != "POST":
        return Outcome(False)
    if not all(f.is_valid() for f in (form, *forms) if f is not None):
        return Outcome(False, status=400)
    try:
        result = call(form.cleaned_data)
    except ValidationError as exc:
        apply_errors(exc, *(forms or (form,)), rename=rename)
        return Outcome(False, status=stale_status if isinstance(exc, StaleEditError) else 400)
    return Outcome(True, result)


def form_page(request, template: str, form, *, status: int = 200, **context):
    """A page whose job is one form: `template` with `form` and `context`."""
    return render(request, template, {"form": form, **context}, status=status)


def next_path(request, default: str) -> str:
    """Where a POST from a list returns: the posted `next` when it is a path on this site
    (never a view name or another host), else `default`."""
    back = request.POST.get("next", "")
    if back.startswith("/") and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}
    ):
        return back
    return default


def list_action(request, form, call: Callable[[dict], Any], *, back: str, success: Callable):
    """Rows ticked on a list and one choice (hand these to an officer): call
    `call(form.cleaned_data)` for a valid form, then return to the list at `back` with
    `success(result)`, or with the form's or the service's first refusal, as a message."""
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return HttpResponseRedirect(back)
    try:
        result = call(form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return HttpResponseRedirect(back)
    messages.success(request, success(result))
    return HttpResponseRedirect(back)


def new_to_me_list(
    request,
    *,
    template: str,
    since_last_look: Callable,
    page_of: Callable,
    look_record: Callable,
    audit: Callable,
):
    """All that is new to the user, most recent first, page by page (My work's and the
    caseload's "New to me"). The link from My work or the caseload carries its starting
    point (`?since=`), so the pages stay the same list and the look that page recorded
    stands; opened directly, the list starts from `since_last_look(user)` and records this
    look (`look_record(user=, looked_at=)`) once rendered. `audit(request)` records the view."""
    opened_at = timezone.now()
    since = since_from_query(request.GET.get("since"))
    from_url = since is not None
    if since is None:
        since = since_last_look(request.user)
    page = page_of(
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
    audit(request)
    response = render(request, template, context)
    if not from_url:
        look_record(user=request.user, looked_at=opened_at)
    return response
