"""Helpers shared by the screens: audit of views, errors onto forms, the form page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.audit import audit_view
from accounts.policy import Action

from .. import selectors


def _form_page(
    request,
    form,
    *,
    title,
    caption="",
    person,
    submit="Save",
    cancel_url,
    intro="",
    status=200,
    extra=None,
):
    """A one-form page about `person` (required: base.html shows their risk banner)."""
    context = {
        "person": person,
        "form": form,
        "title": title,
        "caption": caption,
        "submit": submit,
        "cancel_url": cancel_url,
        "intro": intro,
        **(extra or {}),
    }
    return render(request, "treatment_requirements/form_page.html", context, status=status)


def _invalid_status(form):
    return 400 if form.is_bound and form.errors else 200


def _order_for_change(request, pk, action=Action.CHANGE):
    """The order, if the user may `action` it and it is active; the form page is audited."""
    order = selectors.order_get_for_user(request, pk, action)
    if not order.is_active:
        messages.error(request, "This order has ended: it cannot be changed.")
        raise _Redirect(order.get_absolute_url())
    if request.method == "GET":
        view_name = request.resolver_match.url_name if request.resolver_match else ""
        audit_view(request, order, order.person_id, view_name)
    return order


class _Redirect(Exception):
    def __init__(self, url):
        self.url = url


def _redirecting(view):
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _Redirect as exc:
            return redirect(exc.url)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _rename(exc: ValidationError, names: dict) -> ValidationError:
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({names.get(k, k): v for k, v in exc.error_dict.items()})


def _local(when):
    return timezone.localtime(when)
