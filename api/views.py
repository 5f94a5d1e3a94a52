"""The API's endpoints (docs/api.md). Each loads through the access policy as the client's
service account, so a record outside the client's team is 404, an action its role may
not take 403."""

from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.audit import audit_view
from accounts.policy import Action, Kind, require
from referrals import selectors

from . import scopes
from .base import ClientView
from .intake import body_hash, known_key, referral_create_from_api
from .problems import TITLES, Problem
from .serializers import MAX_ID, ProblemSerializer, ReferralCreateSerializer, ReferralSerializer

PROBLEM_JSON = "application/problem+json"


def problems(*codes) -> dict:
    """Responses in problem+json (RFC 9457) for `codes`, besides those every call may get."""
    return {
        (code, PROBLEM_JSON): OpenApiResponse(ProblemSerializer, description=TITLES[code])
        for code in sorted({400, 401, 403, 404, 429, *codes})
    }


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    {"type": "string", "minLength": 1, "maxLength": 200},
    OpenApiParameter.HEADER,
    required=True,
    description="Unique per referral: the same key and body answer with the same referral.",
)
MAX_KEY_LENGTH = 200
RECORD_ID = OpenApiParameter(
    "id", {"type": "integer", "minimum": 1, "maximum": MAX_ID}, OpenApiParameter.PATH
)


def _referral_body(request, pk: int) -> dict:
    referral = selectors.referral_get_for_user(request, pk)
    audit_view(request, referral, referral.person_id, "api referral")
    return ReferralSerializer(referral).data


REPLAY_OUT_OF_REACH = (
    "This Idempotency-Key was already used: the referral it created is no longer one this "
    "client may see (it has moved to another team). Do not send the request again."
)


def _replayed_body(request, pk: int) -> dict:
    """The first call's answer again; 409 (not 404: the key was used, nothing is missing)
    once the referral is out of the client's reach, saying nothing of it or its team."""
    try:
        return _referral_body(request, pk)
    except Http404 as exc:
        raise Problem(409, REPLAY_OUT_OF_REACH) from exc


class ReferralCreate(ClientView):
    """Record a referral for the client's L&D team, and the person unless `person_id`.

    The intake screen's checks apply (identifiers, dates, the team's sites and
    practitioners). A possible duplicate answers 409 listing the matches; post again with
    `person_id` or `create_new_person: true`. The same Idempotency-Key and body answer
    200 with the referral first created (409 once it has moved to another team); the same
    key with another body 422.
    """

    required_scopes = [scopes.REFERRALS_WRITE]

    @extend_schema(
        operation_id="referral_create",
        summary="Create a referral",
        request=ReferralCreateSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: OpenApiResponse(ReferralSerializer, description="Created: Location names it"),
            200: OpenApiResponse(
                ReferralSerializer,
                description="The same key and body as before: the referral first created",
            ),
            **problems(409, 422),
        },
    )
    def post(self, request):
        key = request.headers.get("Idempotency-Key", "")
        if not key or len(key) > MAX_KEY_LENGTH:
            raise Problem(
                400, f"An Idempotency-Key header of 1 to {MAX_KEY_LENGTH} characters is required."
            )
        require(request, Action.CREATE, Kind.REFERRAL)
        require(request, Action.CREATE, Kind.PERSON)
        serializer = ReferralCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        digest = body_hash(request.data)
        existing = known_key(request.api_client, key, digest)
        if existing is not None:
            return Response(_replayed_body(request, existing), status=status.HTTP_200_OK)
        referral = referral_create_from_api(
            request,
            client=request.api_client,
            key=key,
            digest=digest,
            validated=serializer.validated_data,
        )
        location = reverse("api:referral_detail", kwargs={"pk": referral.pk})
        return Response(
            _referral_body(request, referral.pk),
            status=status.HTTP_201_CREATED,
            headers={"Location": location},
        )


class ReferralDetail(ClientView):
    """A referral of the client's team: its status and the history of its status."""

    required_scopes = [scopes.REFERRALS_READ]

    @extend_schema(
        operation_id="referral_read",
        summary="Read a referral's status and history",
        parameters=[RECORD_ID],
        responses={200: ReferralSerializer, **problems()},
    )
    def get(self, request, pk: int):
        return Response(_referral_body(request, pk))


@extend_schema(exclude=True)
class NoSuchEndpoint(ClientView):
    """Any other address under /api/v1/: 404 in problem+json (not the service's HTML
    page), after the token is checked as everywhere else."""

    permission_classes = [IsAuthenticated]
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise NotFound("There is no such endpoint.")
