"""Handing an order to another responsible officer (policy: Action.ALLOCATE, and
Action.TRANSFER for an officer of another probation team)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from accounts.audit import audit_record
from accounts.enums import AuditAction
from accounts.policy import Action, Kind, permits, require, scoped
from core.forms import apply_errors

from .. import services
from ..forms.allocation import OrdersReallocateForm, ReallocateForm
from ..models import Order
from ._common import _form_page, _invalid_status, _order_for_change, _redirecting


@_redirecting
@require_http_methods(["GET", "POST"])
def order_reallocate(request, pk):
    """GET: the form with the officers who could take the order; POST: hand it over."""
    order = _order_for_change(request, pk, Action.ALLOCATE)
    may_transfer = permits(request.user, Action.TRANSFER, Kind.ORDER)
    form = ReallocateForm(
        request.POST or None,
        order=order,
        may_transfer=may_transfer,
        initial={"version": order.version},
    )
    if request.method == "POST" and form.is_valid():
        officer = form.cleaned_data["officer"]
        try:
            services.order_reallocate(
                order=order,
                officer=officer,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, f"Order {order.reference} is now held by {officer.display_name}."
            )
            return redirect(order)
    team = order.probation_team.name
    return _form_page(
        request,
        form,
        title="Change responsible officer",
        caption=f"{order.person.full_name}, order {order.reference}",
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
        status=_invalid_status(form),
    )


@require_POST
def orders_bulk_reallocate(request):
    """The whole team's orders list: hand the ticked orders to one officer, all or none
    (an order outside the user's caseload refuses the lot, as not found)."""
    require(request, Action.ALLOCATE, Kind.ORDER)
    back = request.POST.get("next", "")
    # Only a path on this site (never a view name or another host).
    if not back.startswith("/") or not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}
    ):
        back = reverse("treatment_requirements:caseload_orders") + "?cases=team"
    form = OrdersReallocateForm(
        request.POST,
        team_id=request.user.team_id,
        may_transfer=permits(request.user, Action.TRANSFER, Kind.ORDER),
    )
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return HttpResponseRedirect(back)
    officer = form.cleaned_data["officer"]
    try:
        count = services.orders_reallocate(
            versions=form.versions(),
            queryset=scoped(request.user, Action.ALLOCATE, Kind.ORDER, Order.objects.all()),
            officer=officer,
            reason=form.cleaned_data["reason"],
            by=request.user,
            request=request,
        )
    except Order.DoesNotExist as exc:
        audit_record(
            action=AuditAction.REFUSED,
            user=request.user,
            object_type="treatment_requirements:orders_bulk_reallocate",
            detail="allocate order out of scope or missing",
            request=request,
        )
        raise Http404("A selected order is outside your caseload, or no longer exists.") from exc
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return HttpResponseRedirect(back)
    noun = "order" if count == 1 else "orders"
    messages.success(request, f"{count} {noun} handed to {officer.display_name}")
    return HttpResponseRedirect(back)
