"""The password hasher: Argon2id with OWASP's recommended parameters.

Django's own Argon2 defaults (100 MiB, 2 passes, 8 lanes) cost as much CPU per sign-in as
PBKDF2 at 1,000,000 iterations (about 0.2 s) and 100 MiB of memory each, so ten people signing
in together still queue. OWASP's Password Storage Cheat Sheet gives 19 MiB, 2 passes, 1 lane
as an equally strong configuration: about 25 ms of CPU (measured in docs/security.md).
A hash made with other parameters is re-hashed with these at its user's next sign-in.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
