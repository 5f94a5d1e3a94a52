"""The API's endpoints (docs/api.md). Each loads through the access policy as the client's
service account, so a record outside the client's team is 404, an action its role may
not take 403."""

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response

from accounts.audit import audit_view
from accounts.policy import Action, Kind, require
from referrals import selectors

from . import scopes
from .base import ClientView
from .intake import body_hash, known_key, referral_create_from_api
from .problems import Problem
from .serializers import ProblemSerializer, ReferralCreateSerializer, ReferralSerializer

PROBLEM = OpenApiResponse(ProblemSerializer, description="application/problem+json")
ERRORS = dict.fromkeys((400, 401, 403, 404, 429), PROBLEM)
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="Unique per referral: the same key and body answer with the same referral.",
)
MAX_KEY_LENGTH = 200


def _referral_body(request, pk: int) -> dict:
    referral = selectors.referral_get_for_user(request, pk)
    audit_view(request, referral, referral.person_id, "api referral")
    return ReferralSerializer(referral).data


class ReferralCreate(ClientView):
    required_scopes = [scopes.REFERRALS_WRITE]

    @extend_schema(
        operation_id="referral_create",
        request=ReferralCreateSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: ReferralSerializer,
            200: ReferralSerializer,
            409: PROBLEM,
            422: PROBLEM,
            **ERRORS,
        },
    )
    def post(self, request):
        key = request.headers.get("Idempotency-Key", "").strip()
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
            return Response(_referral_body(request, existing), status=status.HTTP_200_OK)
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
    required_scopes = [scopes.REFERRALS_READ]

    @extend_schema(operation_id="referral_read", responses={200: ReferralSerializer, **ERRORS})
    def get(self, request, pk: int):
        return Response(_referral_body(request, pk))
