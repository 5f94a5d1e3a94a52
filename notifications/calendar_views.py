"""The calendar feed: the page where an officer makes and revokes it, and the feed itself.

The page is the signed-in user's own (probation officers: they hold orders). The feed URL
needs no sign-in: its secret token is the credential (notifications.calendar_feed).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.audit import audit_refusal
from accounts.policy import Action, Kind, require

from . import calendar_feed

PAGE = "notifications/calendar_feed.html"


def _require_feed_holder(request):
    """403 (audited) unless the user may have a feed: the order policy, then the role."""
    require(request, Action.VIEW, Kind.ORDER)
    if not calendar_feed.may_have_feed(request.user):
        audit_refusal(request, "calendar feed: not a probation officer")
        raise PermissionDenied("Calendar feeds are for probation officers.")


# The new feed's URL waits in the session for the page after the redirect, which takes it
# out: shown once, and never in a URL or a cookie.
NEW_URL_KEY = "calendar_feed_new_url"


@require_GET
def calendar_feed_page(request):
    """Your calendar feed: when it was made and last used; make a new one or revoke it."""
    _require_feed_holder(request)
    context = {
        "feed": calendar_feed.live_feed(user=request.user),
        "new_url": request.session.pop(NEW_URL_KEY, ""),
    }
    return render(request, PAGE, context)


@require_POST
def calendar_feed_create(request):
    """Make a feed (revoking any earlier one); its URL is shown once, on the next page."""
    _require_feed_holder(request)
    token = calendar_feed.feed_create(user=request.user, request=request)
    path = reverse("calendar:feed", kwargs={"token": token})
    # From SITE_URL, as every link the service sends out: behind a proxy the request's own
    # host may be an internal name.
    request.session[NEW_URL_KEY] = f"{settings.SITE_URL.rstrip('/')}{path}"
    return redirect("calendar:feed_page")


@require_POST
def calendar_feed_revoke(request):
    _require_feed_holder(request)
    if calendar_feed.feed_revoke(user=request.user, request=request):
        messages.success(request, "Your calendar feed is revoked: its address no longer works")
    return redirect("calendar:feed_page")


@login_not_required
@require_GET
def calendar_feed_ics(request, token):
    """The feed, for a calendar client: 404 for an unknown, revoked or lapsed token."""
    feed = calendar_feed.feed_for_token(token)
    if feed is None:
        raise Http404("No such calendar feed.")
    if not calendar_feed.feed_fetch_allowed(feed=feed):
        response = HttpResponse("Fetched less than a minute ago", status=429)
        response["Retry-After"] = str(calendar_feed.FEED_MIN_INTERVAL_SECONDS)
        return response
    body = calendar_feed.feed_render(feed=feed, request=request)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
