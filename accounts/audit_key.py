"""The key that signs the audit trail, held outside the database.

Each audit entry's hash is an HMAC-SHA256 under LD_AUDIT_HMAC_KEY (an environment variable),
so someone who can rewrite the table but not read the service's environment cannot forge
an entry, a chain of entries, or a checkpoint (accounts.audit_chain). Production refuses to
start without the key (config/settings/production.py); on a laptop and in the tests the key
is derived from SECRET_KEY so nothing needs setting up.
"""

import hashlib
import hmac

from django.conf import settings


def audit_key() -> bytes:
    if settings.LD_AUDIT_HMAC_KEY:
        return settings.LD_AUDIT_HMAC_KEY.encode()
    return hashlib.sha256(f"ld-audit-chain:{settings.SECRET_KEY}".encode()).digest()


def sign(payload: str, key: bytes | None = None) -> str:
    """The hex HMAC-SHA256 of `payload` under the audit key (or `key`)."""
    return hmac.new(key or audit_key(), payload.encode(), hashlib.sha256).hexdigest()


def signature_matches(payload: str, signature: str, key: bytes | None = None) -> bool:
    return hmac.compare_digest(sign(payload, key), signature)
