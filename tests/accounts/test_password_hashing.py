"""Passwords are hashed with Argon2id; a PBKDF2 hash from before is re-hashed at sign-in.

The test settings hash with MD5 for speed: these tests switch the deployed list back on.
"""

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, identify_hasher, make_password
from django.test import Client, override_settings
from django.urls import reverse

from accounts.enums import Role
from config.settings import base
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
ARGON2 = "accounts.hashers.Argon2idPasswordHasher"
OWASP_PARAMETERS = "$v=19$m=19456,t=2,p=1$"


def _sign_in(username, password=PASSWORD):
    return Client().post(reverse("accounts:login"), {"username": username, "password": password})


def test_deployed_settings_hash_with_argon2id_first_and_still_read_pbkdf2():
    assert base.PASSWORD_HASHERS[0] == ARGON2
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in base.PASSWORD_HASHERS


@override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS)
def test_a_pbkdf2_password_is_rehashed_with_argon2id_when_its_user_signs_in(team):
    old = UserFactory(
        username="old", team=team, password=make_password(PASSWORD, None, "pbkdf2_sha256")
    )
    untouched = UserFactory(
        username="untouched", team=team, password=make_password(PASSWORD, None, "pbkdf2_sha256")
    )

    response = _sign_in("old")

    assert response.status_code == 302
    old.refresh_from_db()
    untouched.refresh_from_db()
    assert identify_hasher(old.password).algorithm == "argon2"
    assert old.password.startswith("argon2$argon2id$")
    assert OWASP_PARAMETERS in old.password
    assert identify_hasher(untouched.password).algorithm == "pbkdf2_sha256"  # not signed in yet
    assert _sign_in("old").status_code == 302  # the new hash checks the same password
    assert _sign_in("old", "wrong password").status_code == 200


@override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS)
def test_a_wrong_password_leaves_the_pbkdf2_hash_as_it_was(team):
    hashed = make_password(PASSWORD, None, "pbkdf2_sha256")
    user = UserFactory(username="old", role=Role.PRACTITIONER, team=team, password=hashed)

    assert _sign_in("old", "wrong password").status_code == 200

    user.refresh_from_db()
    assert user.password == hashed


@override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS)
def test_a_new_password_is_hashed_with_argon2id(team):
    user = UserFactory(username="new", team=team)

    user.set_password("another long passphrase")

    assert user.password.startswith(f"argon2$argon2id{OWASP_PARAMETERS}")


@override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS)
def test_an_argon2_hash_with_djangos_heavier_defaults_is_rehashed_with_owasps_at_sign_in(team):
    django_argon2 = Argon2PasswordHasher()  # as a hash made before OWASP's parameters
    heavy = django_argon2.encode(PASSWORD, django_argon2.salt())
    assert "m=102400" in heavy
    user = UserFactory(username="heavy", team=team, password=heavy)

    assert _sign_in("heavy").status_code == 302

    user.refresh_from_db()
    assert OWASP_PARAMETERS in user.password
