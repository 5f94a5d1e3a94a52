"""The inbox: a user's own reminders (nobody else's), marking them read, email preference."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services
from .forms import PreferenceForm
from .models import Reminder

PAGE_SIZE = 25


@require_GET
def inbox(request):
    reminders = selectors.inbox_reminders(user=request.user)
    page = Paginator(reminders, PAGE_SIZE).get_page(request.GET.get("page"))
    form = PreferenceForm(instance=selectors.preference_for(user=request.user), user=request.user)
    return render(request, "notifications/inbox.html", {"page": page, "form": form})


@require_POST
def reminder_read(request, pk):
    # Filtering by recipient makes another user's reminder a 404: its existence never leaks.
    reminder = get_object_or_404(Reminder, pk=pk, recipient=request.user)
    services.reminder_mark_read(reminder=reminder)
    if reminder.link and request.POST.get("open"):
        return redirect(reminder.link)
    return redirect("notifications:inbox")


@require_POST
def read_all(request):
    services.inbox_mark_all_read(user=request.user)
    messages.success(request, "All reminders marked as read")
    return redirect("notifications:inbox")


@require_POST
def preference(request):
    form = PreferenceForm(
        request.POST, instance=selectors.preference_for(user=request.user), user=request.user
    )
    if form.is_valid():
        services.preference_update(
            user=request.user,
            daily_digest=form.cleaned_data["daily_digest"],
            email_enabled=form.cleaned_data["email_enabled"],
            dashboard_updates=form.cleaned_data.get("dashboard_updates", False),
            calendar_invites=form.cleaned_data.get(
                "calendar_invites", form.instance.calendar_invites
            ),
        )
        messages.success(request, "Your email preference is saved")
        return redirect("notifications:inbox")
    reminders = selectors.inbox_reminders(user=request.user)
    page = Paginator(reminders, PAGE_SIZE).get_page(1)
    return render(request, "notifications/inbox.html", {"page": page, "form": form}, status=400)
