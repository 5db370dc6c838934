"""The second factor of a sign-in: a time-based one-time password (TOTP, RFC 6238) from an
authenticator application, six digits renewed every 30 seconds.

Customs staff must have one in production (their sign-in approves deregistrations, which
disable user IDs); any operator may enrol. A code is accepted within one step of the current
time (clocks drift), and only once: the step it matched is returned so that the store can refuse
the same step again.
"""

from __future__ import annotations

import hmac
from datetime import datetime

import pyotp

ISSUER = "Ecuapass SENAE"
# One step either side of now: a phone's clock a little off, or a code typed as it rolled over.
DRIFT_STEPS = 1


def new_totp_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(*, secret: str, user_id: str) -> str:
    """What an authenticator application reads (as a QR code or typed in) to enrol."""
    return pyotp.TOTP(secret).provisioning_uri(name=user_id, issuer_name=ISSUER)


def accepted_step(*, secret: str, code: str, at: datetime) -> int | None:
    """The time step `code` belongs to, if it is right at `at` (within the drift), else None."""
    totp = pyotp.TOTP(secret)
    given = "".join(code.split())
    if not (given.isdigit() and len(given) == totp.digits):
        return None
    now = totp.timecode(at)
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), given):
            return step
    return None
