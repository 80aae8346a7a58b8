"""Tokens and sign-in codes of the bearer channels, one module each:

- :mod:`.app` — the mobile app's access and refresh tokens (device-bound, rotated, revoked),
  and the authentications of the person's API routes (:data:`person_auth`: a web session or an
  app token; :class:`SessionAuth`, CSRF-checked only when a session cookie is sent);
- :mod:`.unit` — an employer's unit API tokens (``sbu_…``) for its payroll system;
- :mod:`.sms` — the SMS step of an app sign-in, and the SMS code's rules and text, which the
  web's sign-in uses too (one definition: digits, lifetime, tries, resend interval, codes);
- :mod:`.rates` — the rate limits an app sign-in and a unit token are counted by.

Every name is re-exported here: ``from shebao.core.tokens import X`` is the way in. The models
(:class:`~shebao.core.models.AppToken` and the others) stay in ``shebao.core.models``.
"""

from shebao.core.tokens.app import (
    ACCESS_TTL,
    DEVICE_HEADER,
    REFRESH_TTL,
    AppBearer,
    InvalidToken,
    SessionAuth,
    TokenPair,
    app_bearer,
    person_auth,
    push_register,
    session_auth,
    token_hash,
    token_issue,
    token_refresh,
    token_revoke,
    token_verify,
)
from shebao.core.tokens.rates import (
    RATE_PER_ADDRESS,
    RATE_PER_TOKEN,
    RATE_WINDOW,
    RateLimited,
    app_rate_check,
)
from shebao.core.tokens.sms import (
    SMS_CODE_DIGITS,
    SMS_CODE_TRIES,
    SMS_CODE_TTL,
    SMS_RESEND,
    SMS_SENDS,
    SmsChallenge,
    SmsCodeInvalid,
    sms_challenge_account,
    sms_challenge_start,
    sms_code_check,
    sms_code_draw,
    sms_code_resend,
    sms_code_text,
    sms_mobile_masked,
)
from shebao.core.tokens.unit import (
    UNIT_TOKEN_DAYS,
    UNIT_TOKEN_PREFIX,
    UNIT_TOKENS_LIVE,
    UnitBearer,
    unit_batches_auth,
    unit_batches_bearer,
    unit_operator_code,
    unit_operator_of,
    unit_token_issue,
    unit_token_revoke,
    unit_token_verify,
    unit_tokens_of,
)

__all__ = [
    "ACCESS_TTL",
    "DEVICE_HEADER",
    "RATE_PER_ADDRESS",
    "RATE_PER_TOKEN",
    "RATE_WINDOW",
    "REFRESH_TTL",
    "SMS_CODE_DIGITS",
    "SMS_CODE_TRIES",
    "SMS_CODE_TTL",
    "SMS_RESEND",
    "SMS_SENDS",
    "UNIT_TOKENS_LIVE",
    "UNIT_TOKEN_DAYS",
    "UNIT_TOKEN_PREFIX",
    "AppBearer",
    "InvalidToken",
    "RateLimited",
    "SessionAuth",
    "SmsChallenge",
    "SmsCodeInvalid",
    "TokenPair",
    "UnitBearer",
    "app_bearer",
    "app_rate_check",
    "person_auth",
    "push_register",
    "session_auth",
    "sms_challenge_account",
    "sms_challenge_start",
    "sms_code_check",
    "sms_code_draw",
    "sms_code_resend",
    "sms_code_text",
    "sms_mobile_masked",
    "token_hash",
    "token_issue",
    "token_refresh",
    "token_revoke",
    "token_verify",
    "unit_batches_auth",
    "unit_batches_bearer",
    "unit_operator_code",
    "unit_operator_of",
    "unit_token_issue",
    "unit_token_revoke",
    "unit_token_verify",
    "unit_tokens_of",
]
