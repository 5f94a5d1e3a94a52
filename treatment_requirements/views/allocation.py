"""Handing an order to another responsible officer (policy: Action.ALLOCATE, and
Action.TRANSFER for an officer of another probation team)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from accounts.policy import Action, Kind, permits

from .. import services
from ..forms.allocation import ReallocateForm
from ._common import _apply_errors, _form_page, _invalid_status, _order_for_change, _redirecting


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
            _apply_errors(form, exc)
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
