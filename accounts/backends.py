"""Sign-in backend: Django's ModelBackend, loading each request's user with their team and
their role's two-factor rule."""

from django.contrib.auth import backends, get_user_model
from django.db.models import Exists, OuterRef

from .models import RolePolicy


class ModelBackend(backends.ModelBackend):
    """Every page header names the user's team: fetch it with the user, not in a second query.

    The same query reads whether the user's role must use two-factor sign-in now
    (`role_requires_two_factor`), so a policy switched on reaches sessions already signed in
    at their next request (accounts.middleware.TwoFactorMiddleware) without a query of its own.
    """

    def get_user(self, user_id):
        role_requires = RolePolicy.objects.filter(role=OuterRef("role"), require_two_factor=True)
        users = get_user_model()._default_manager.select_related("team")
        try:
            user = users.annotate(role_requires_two_factor=Exists(role_requires)).get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
