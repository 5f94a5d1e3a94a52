"""My work, its "New to me", the referral list (searched, filtered, sorted, paged) and
allocating ticked referrals in bulk."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from accounts.audit import audit_refusal, audit_request
from accounts.enums import AuditAction
from accounts.policy import Action, Kind, permits, require, scoped
from core.search_tokens import store_search, stored_search
from core.view_helpers import list_action, new_to_me_list, next_path

from .. import selectors, services
from ..forms import ReferralBulkAllocateForm, ReferralFilterForm, ReferralSearchForm
from ..models import Referral

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


def _since_last_look(user):
    return selectors.new_to_me_since(user, selectors.my_work_last_look(user))


@require_http_methods(["GET"])
def my_work(request):
    """The user's queues, and what was allocated or transferred to them since they last
    looked ("New to me"; the look is recorded once the page has rendered)."""
    require(request, Action.VIEW, Kind.REFERRAL)
    opened_at = timezone.now()
    queues = selectors.my_work(user=request.user)
    since = _since_last_look(request.user)
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
    """All that is new to the user, most recent first, page by page (as the caseload's New
    to me page: core.view_helpers.new_to_me_list)."""
    require(request, Action.VIEW, Kind.REFERRAL)
    return new_to_me_list(
        request,
        template="referrals/my_work_new_to_me.html",
        since_last_look=_since_last_look,
        page_of=selectors.new_to_me_page,
        look_record=services.my_work_look_record,
        audit=lambda request: audit_request(
            request, action=AuditAction.VIEW, object_type="referrals.my_work", detail="new to me"
        ),
    )


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
            return _search_posted(request, search_form.cleaned_data["q"])
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


def _search_posted(request, search: dict):
    """A posted search: audited by kind, kept behind a token, then listed."""
    audit_request(
        request,
        action=AuditAction.SEARCH,
        object_type="referrals.referral",
        detail=f"referral list search by {search['kind']}",
    )
    query = _filter_query(request.GET, search=store_search(request, SEARCH_SESSION_KEY, search))
    return redirect(f"{reverse('referrals:referral_list')}?{query}")


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


@require_POST
def referral_bulk_allocate(request):
    """A team lead gives the ticked referrals to one practitioner: all of them, or none
    (a referral outside the lead's team refuses the lot, as not found)."""
    require(request, Action.ALLOCATE, Kind.REFERRAL)
    back = next_path(request, reverse("referrals:referral_list"))
    form = ReferralBulkAllocateForm(request.POST, team_id=request.user.team_id)

    def allocate(data):
        try:
            return services.referrals_allocate(
                referral_ids=data["referrals"],
                queryset=scoped(
                    request.user, Action.ALLOCATE, Kind.REFERRAL, Referral.objects.all()
                ),
                assignee=data["assigned_to"],
                by=request.user,
                request=request,
            )
        except Referral.DoesNotExist as exc:
            audit_refusal(request, "allocate referral out of scope or missing")
            raise Http404("A selected referral is outside your team, or no longer exists.") from exc

    def allocated(count):
        noun = "referral" if count == 1 else "referrals"
        return f"{count} {noun} allocated to {form.cleaned_data['assigned_to'].display_name}"

    return list_action(request, form, allocate, back=back, success=allocated)
