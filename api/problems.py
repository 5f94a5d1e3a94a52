"""Every error as application/problem+json (RFC 9457): type, title, status, detail, and
`errors` (field -> messages) for refused input, `matches` for a possible duplicate.

DRF's own exceptions (no token 401, scope 403, not found 404, throttled 429 with
Retry-After, malformed JSON 400), the policy's PermissionDenied and Http404, a service's
ValidationError (422) and a stale edit (412) all come out in this one shape.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.concurrency import StaleEditError

PROBLEM_TYPE = "about:blank"
CONTENT_TYPE = "application/problem+json"

TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    412: "Precondition failed",
    415: "Unsupported media type",
    422: "Unprocessable content",
    428: "Precondition required",
    429: "Too many requests",
}


class Problem(exceptions.APIException):
    """An answer of `status` with a detail and extra members (e.g. `matches`)."""

    def __init__(self, status_code: int, detail: str, **extra):
        super().__init__(detail)
        self.status_code = status_code
        self.extra = extra


def problem_response(status_code: int, detail: str, headers=None, **extra) -> Response:
    body = {
        "type": PROBLEM_TYPE,
        "title": TITLES.get(status_code, "Error"),
        "status": status_code,
        "detail": detail,
        **extra,
    }
    return Response(body, status=status_code, headers=headers, content_type=CONTENT_TYPE)


def _django_errors(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {
            field: [str(m) for e in errs for m in e.messages]
            for field, errs in exc.error_dict.items()
        }
    return {"non_field_errors": [str(m) for m in exc.messages]}


def problem_exception_handler(exc, context):
    if isinstance(exc, StaleEditError):
        return problem_response(
            status.HTTP_412_PRECONDITION_FAILED,
            "The record was changed since you read it: read it again and retry.",
        )
    if isinstance(exc, DjangoValidationError):
        return problem_response(422, "The request was refused.", errors=_django_errors(exc))
    if isinstance(exc, Problem):
        return problem_response(exc.status_code, str(exc.detail), **exc.extra)
    response = exception_handler(exc, context)
    if response is None:
        return None
    headers = {k: v for k, v in response.items() if k in ("WWW-Authenticate", "Retry-After")}
    if isinstance(exc, exceptions.ValidationError):
        errors = (
            response.data
            if isinstance(response.data, dict)
            else {"non_field_errors": response.data}
        )
        return problem_response(
            response.status_code, "The request was not valid.", headers, errors=errors
        )
    detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
    return problem_response(response.status_code, str(detail), headers)
