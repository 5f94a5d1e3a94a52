"""The service's own error pages: 400, 403, 404, 500 and a refused form (CSRF).

Wired as handler400/403/404/500 in config/urls.py and CSRF_FAILURE_VIEW in settings. Each
page says what happened and what to do, in the service's layout, and nothing else: never
the exception's message, the path or an id from it. A record outside the user's scope and
a record that does not exist get the same 404 (accounts.policy), and the 404 page words
both the same way, so the page cannot tell them apart either.

The 500 and 400 pages render from a plain context, without context processors: the
database or the request may be what failed, so they run no query and read nothing from
the request.
"""

from django.conf import settings
from django.http import HttpResponseBadRequest, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token


def _static_context() -> dict:
    return {
        "service_name": settings.LD_SERVICE_NAME,
        "service_desk_email": settings.LD_SERVICE_DESK_EMAIL,
    }


def bad_request(request, exception=None):
    return HttpResponseBadRequest(loader.get_template("400.html").render(_static_context()))


@requires_csrf_token
def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


@requires_csrf_token
def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return HttpResponseServerError(loader.get_template("500.html").render(_static_context()))


def csrf_failure(request, reason=""):
    """A form sent without a valid token: most often a page left open past sign-out."""
    return render(request, "403_csrf.html", status=403)
