from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_GET

from .enums import Role
from .forms import SignInForm

# Where each role starts after signing in.
ROLE_HOME = {
    Role.PRACTITIONER: "referrals:my_work",
    Role.TEAM_LEAD: "referrals:my_work",
    Role.PROBATION_OFFICER: "treatment_requirements:caseload",
    Role.PROVIDER_CLINICIAN: "treatment_requirements:caseload",
    Role.COMMISSIONER: "reporting:dashboard",
    Role.ADMINISTRATOR: "accounts:audit_search",
}


@method_decorator(login_not_required, name="dispatch")
class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return reverse("accounts:home")


class SignOutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


@require_GET
def home(request):
    return redirect(ROLE_HOME[request.user.role])
