"""The API's documentation page: a public page of text in the service's layout, read from
the OpenAPI schema (api/reference.py), for the people who build custody and probation
systems' side of the connection. It shows no one's data, so it is neither signed-in nor
audited."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from .orders import PAGE_SIZE
from .reference import api_reference, openapi_schema
from .views import MAX_KEY_LENGTH

PERIODS = {"s": "second", "m": "minute", "h": "hour", "d": "day"}


def rate_in_words(rate: str) -> str:
    """LD_API_RATE ("120/min") as a reader says it: "120 calls a minute"."""
    count, period = rate.split("/")
    return f"{count} calls a {PERIODS[period[0]]}"


@require_GET
@login_not_required
def api_docs(request):
    reference = api_reference(openapi_schema())
    context = {
        "reference": reference,
        "token_url": request.build_absolute_uri(reference.token_url),
        "api_root": request.build_absolute_uri(reverse("api:referral_create")).rsplit(
            "referrals/", 1
        )[0],
        "schema_url": reverse("api:schema"),
        "rate": rate_in_words(settings.LD_API_RATE),
        "token_seconds": settings.LD_API_TOKEN_SECONDS,
        "page_size": PAGE_SIZE,
        "max_key_length": MAX_KEY_LENGTH,
    }
    return render(request, "api/docs.html", context)
