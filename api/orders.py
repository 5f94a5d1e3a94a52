"""Orders and appointments for a probation system's client: its team's caseload, read in
keyset pages with an opaque cursor, and appointment outcomes recorded with If-Match (the
appointment's ETag, from its version: the screens' stale-edit protection)."""

import base64
import binascii

from django.db.models import Q
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response

from accounts.audit import audit_view
from accounts.policy import Action
from core.concurrency import StaleEditError
from core.paging import KeysetOrder, keyset_page
from treatment_requirements import selectors, services
from treatment_requirements.forms import AppointmentOutcomeForm
from treatment_requirements.models import Appointment

from . import scopes
from .base import ClientView
from .problems import Problem
from .serializers import (
    AppointmentSerializer,
    OrderPageSerializer,
    OrderSerializer,
    OutcomeInSerializer,
)
from .views import RECORD_ID, problems

PAGE_SIZE = 50
ORDER_KEYSET = KeysetOrder("start_date", descending=True)
CURSOR = OpenApiParameter(
    "cursor", str, OpenApiParameter.QUERY, description="next_cursor of the previous page"
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    # Described as optional so the answer to its absence is 428 (RFC 6585), not a 400.
    required=False,
    description="Needed: the appointment's etag as read; 412 if it changed since, 428 if missing.",
)


def encode_cursor(raw: str | None) -> str | None:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=") if raw else None


def decode_cursor(cursor: str) -> str | None:
    """The keyset cursor inside an opaque one; None (the first page) for a malformed one."""
    try:
        return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


def etag(appointment) -> str:
    return f'"{appointment.pk}-{appointment.version}"'


def _appointment_body(appointment) -> dict:
    appointment.etag = etag(appointment)
    return AppointmentSerializer(appointment).data


class OrderList(ClientView):
    """The client's probation team's orders, newest start first, 50 a page."""

    required_scopes = [scopes.ORDERS_READ]

    @extend_schema(
        operation_id="order_list",
        summary="List the team's orders",
        parameters=[CURSOR],
        responses={200: OrderPageSerializer, **problems()},
    )
    def get(self, request):
        orders = selectors.orders_visible(request.user)
        raw = decode_cursor(request.query_params.get("cursor", ""))
        page = keyset_page(orders, ORDER_KEYSET, page_size=PAGE_SIZE, after=raw)
        return Response(
            {
                "results": OrderSerializer(page.rows, many=True).data,
                "next_cursor": encode_cursor(page.next_cursor),
            }
        )


class OrderDetail(ClientView):
    """One order of the client's team."""

    required_scopes = [scopes.ORDERS_READ]

    @extend_schema(
        operation_id="order_read",
        summary="Read an order",
        parameters=[RECORD_ID],
        responses={200: OrderSerializer, **problems()},
    )
    def get(self, request, pk: int):
        order = selectors.order_get_for_user(request, pk)
        audit_view(request, order, order.person_id, "api order")
        return Response(OrderSerializer(order).data)


class OrderAppointments(ClientView):
    """An order's appointments, in time order, each with its etag."""

    required_scopes = [scopes.ORDERS_READ]

    @extend_schema(
        operation_id="order_appointments",
        summary="List an order's appointments",
        parameters=[RECORD_ID],
        responses={200: AppointmentSerializer(many=True), **problems()},
    )
    def get(self, request, pk: int):
        order = selectors.order_get_for_user(request, pk)
        audit_view(request, order, order.person_id, "api order appointments")
        appointments = order.appointments.order_by("starts_at", "id")
        return Response([_appointment_body(a) for a in appointments])


class AppointmentOutcome(ClientView):
    """Record what happened at an appointment of the client's team's order, as the screen
    does (the same rules: an unacceptable failure opens a failure to act on)."""

    required_scopes = [scopes.APPOINTMENTS_WRITE]

    @extend_schema(
        operation_id="appointment_outcome",
        summary="Record an appointment's outcome",
        parameters=[RECORD_ID, IF_MATCH],
        request=OutcomeInSerializer,
        responses={
            200: OpenApiResponse(AppointmentSerializer, description="Recorded: the new ETag"),
            **problems(409, 412, 422, 428),
        },
    )
    def post(self, request, pk: int):
        appointment = _appointment_for_change(request, pk)
        body = OutcomeInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        expected = request.headers.get("If-Match", "")
        if not expected:
            raise Problem(428, "Send the appointment's etag as If-Match.")
        if expected != etag(appointment):
            raise StaleEditError()
        form = AppointmentOutcomeForm({**body.validated_data, "version": appointment.version})
        if not form.is_valid():
            raise Problem(422, "The request was refused.", errors=form.errors)
        data = form.cleaned_data
        services.appointment_record_outcome(
            appointment=appointment,
            outcome=data["outcome"],
            excuse=data["excuse"],
            evidence=data["evidence"],
            notes=data["notes"],
            expected_version=appointment.version,
            by=request.user,
            request=request,
        )
        appointment.refresh_from_db()
        return Response(_appointment_body(appointment), headers={"ETag": etag(appointment)})


def _appointment_for_change(request, pk: int):
    """The appointment through its order's policy (404 outside the team, as a missing one);
    409 when the order has ended or the outcome is already recorded."""
    order_id = Appointment.objects.filter(Q(pk=pk)).values_list("order_id", flat=True).first()
    order = selectors.order_get_for_user(request, order_id or 0, Action.CHANGE)
    if not order.is_active:
        raise Problem(409, "This order has ended: it cannot be changed.")
    appointment = order.appointments.get(pk=pk)
    if appointment.outcome:
        raise Problem(409, "This appointment's outcome has already been recorded.")
    return appointment
