"""Handing an order to another responsible officer (policy: Action.ALLOCATE, and
Action.TRANSFER for an officer of another probation team)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.audit import audit_refusal
from accounts.policy import Action, Kind, permits, require, scoped
from core.view_helpers import form_page, list_action, next_path, submit

from .. import services
from ..forms.allocation import OrdersReallocateForm, ReallocateForm
from ..models import Order
from .common import FORM_PAGE, STALE_STATUS, order_caption, order_for_change


@require_http_methods(["GET", "POST"])
def order_reallocate(request, pk):
    """GET: the form with the officers who could take the order; POST: hand it over."""
    order, refused = order_for_change(request, pk, Action.ALLOCATE)
    if refused:
        return refused
    may_transfer = permits(request.user, Action.TRANSFER, Kind.ORDER)
    form = ReallocateForm(
        request.POST or None,
        order=order,
        may_transfer=may_transfer,
        initial={"version": order.version},
    )
    outcome = submit(
        request,
        form,
        lambda data: services.order_reallocate(
            order=order,
            officer=data["officer"],
            reason=data["reason"],
            expected_version=data["version"],
            by=request.user,
            request=request,
        ),
        stale_status=STALE_STATUS,
    )
    if outcome:
        officer = form.cleaned_data["officer"]
        messages.success(request, f"Order {order.reference} is now held by {officer.display_name}.")
        return redirect(order)
    team = order.probation_team.name
    return form_page(
        request,
        FORM_PAGE,
        form,
        title="Change responsible officer",
        caption=order_caption(order),
        person=order.person,
        submit="Change officer",
        cancel_url=order.get_absolute_url(),
        intro=f"Held by {order.responsible_officer.display_name}, {team}. "
        + (
            "Choose an officer of this team, or of another probation team to transfer it."
            if may_transfer
            else "Choose an officer of this team."
        )
        + " They get an inbox reminder.",
        status=outcome.status,
    )


@require_POST
def orders_bulk_reallocate(request):
    """The whole team's orders list: hand the ticked orders to one officer, all or none
    (an order outside the user's caseload refuses the lot, as not found)."""
    require(request, Action.ALLOCATE, Kind.ORDER)
    back = next_path(request, reverse("treatment_requirements:caseload_orders") + "?cases=team")
    form = OrdersReallocateForm(
        request.POST,
        team_id=request.user.team_id,
        may_transfer=permits(request.user, Action.TRANSFER, Kind.ORDER),
    )

    def hand_over(data):
        try:
            return services.orders_reallocate(
                versions=form.versions(),
                queryset=scoped(request.user, Action.ALLOCATE, Kind.ORDER, Order.objects.all()),
                officer=data["officer"],
                reason=data["reason"],
                by=request.user,
                request=request,
            )
        except Order.DoesNotExist as exc:
            audit_refusal(request, "allocate order out of scope or missing")
            raise Http404(
                "A selected order is outside your caseload, or no longer exists."
            ) from exc

    def handed(count):
        noun = "order" if count == 1 else "orders"
        return f"{count} {noun} handed to {form.cleaned_data['officer'].display_name}"

    return list_action(request, form, hand_over, back=back, success=handed)
