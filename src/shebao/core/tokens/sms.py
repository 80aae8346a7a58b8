"""The SMS step of an app sign-in (:func:`sms_challenge_start`, :func:`sms_code_check`,
:func:`sms_code_resend`): a citizen with a mobile on file gets a 6-digit code through the
outbox's SMS adapter after the correct password, and the tokens only for the code sent back
from the same device — the web's rules (5 minutes, 5 tries, a new code after 60 s, 3 codes).

The code's rules and text are defined here once, for both channels: the web's sign-in
(``shebao.web.signin``) keeps its pending code in the session, not in a row, but draws, words,
times and counts it with these (:data:`SMS_CODE_DIGITS`, :data:`SMS_CODE_TTL`,
:data:`SMS_CODE_TRIES`, :data:`SMS_RESEND`, :data:`SMS_SENDS`, :func:`sms_code_draw`,
:func:`sms_code_text`, :func:`sms_mobile_masked`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from shebao.core.errors import InvalidInput, ShebaoError, TooManyAttempts
from shebao.core.models import Account, AppSignInCode
from shebao.core.notify import notification_enqueue
from shebao.core.tokens.app import TokenPair, device_id_valid, token_hash, token_issue
from shebao.core.tokens.rates import RateLimited

SMS_CODE_DIGITS = 6
SMS_CODE_TTL = dt.timedelta(minutes=5)  # a code is good for five minutes
SMS_CODE_TRIES = 5  # five wrong codes void it
SMS_RESEND = dt.timedelta(seconds=60)  # a new code no sooner than a minute after the last
SMS_SENDS = 3  # codes per sign-in (per correct password)


class SmsCodeInvalid(ShebaoError):
    """The code is wrong (``left`` tries remain), or the step is void: expired, spent, used."""

    status = 401
    code = "sms_code_invalid"

    def __init__(self, *, account: Account | None = None, left: int = 0) -> None:
        if left:
            super().__init__(
                f"验证码不正确，还可尝试 {left} 次", f"The code is not correct: {left} tries left", field="code"
            )
        else:
            super().__init__(
                "验证码已失效，请重新登录以获取新的验证码", "The code is no longer valid: sign in again for a new one"
            )
        self.account = account  # the sign-in it belonged to, for the throttle's count


@dataclass(frozen=True)
class SmsChallenge:
    challenge: str
    mobile_masked: str
    expires_at: dt.datetime
    resend_at: dt.datetime


def _sms_hash(row_challenge_hash: str, sent_at: dt.datetime, code: str) -> str:
    message = f"{row_challenge_hash}:{sent_at.timestamp()}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def sms_mobile_masked(number: str) -> str:
    """The number as the code page shows it: the first three and last four digits."""
    return f"{number[:3]}****{number[-4:]}" if len(number) >= 7 else "****"


def sms_code_draw() -> str:
    """A new random code of :data:`SMS_CODE_DIGITS` digits (leading zeros kept)."""
    return f"{secrets.randbelow(10**SMS_CODE_DIGITS):0{SMS_CODE_DIGITS}d}"


def sms_code_text(code: str) -> str:
    """The SMS that carries ``code`` (Chinese, then English), with its lifetime in minutes."""
    minutes = SMS_CODE_TTL // dt.timedelta(minutes=1)
    return (
        f"【武汉社保】您的登录验证码为 {code}，{minutes} 分钟内有效，请勿告诉他人。"
        f" / Your Wuhan social insurance sign-in code is {code}, valid {minutes} minutes."
    )


def _sms_send(*, row: AppSignInCode, mobile: str, now: dt.datetime) -> None:
    """A new code for ``row``: its HMAC kept, the SMS queued in the outbox (as the web's)."""
    code = sms_code_draw()
    row.code_hash, row.sent_at, row.tries = _sms_hash(row.challenge_hash, now, code), now, 0
    notification_enqueue(
        key=f"app-signin-sms:{row.pk}:{row.sends}",
        channel="sms",
        recipient=mobile,
        body=sms_code_text(code),
    )  # no account: a spent code does not belong in the person's messages


def _challenge(row: AppSignInCode, challenge: str, mobile: str) -> SmsChallenge:
    return SmsChallenge(challenge, sms_mobile_masked(mobile), row.sent_at + SMS_CODE_TTL, row.sent_at + SMS_RESEND)


def sms_challenge_start(*, account: Account, device_id: str, mobile: str) -> SmsChallenge:
    """After a correct password: a pending sign-in for ``device_id`` and its first code, sent
    to ``mobile``. The challenge names the pending step to the app (kept only as its hash)."""
    device = device_id_valid(device_id)
    now = timezone.now()
    challenge = secrets.token_urlsafe(32)
    with transaction.atomic():
        row = AppSignInCode.objects.create(
            account=account,
            device_id=device,
            challenge_hash=token_hash(challenge),
            code_hash="",
            sent_at=now,
        )
        _sms_send(row=row, mobile=mobile, now=now)
        row.save(update_fields=["code_hash", "sent_at", "tries"])
    return _challenge(row, challenge, mobile)


def sms_challenge_account(*, challenge: str, device_id: str) -> Account:
    """The account of a pending step shown from its own device (for the throttle's check)."""
    row = (
        AppSignInCode.objects.select_related("account")
        .filter(challenge_hash=token_hash(challenge), done_at__isnull=True)
        .first()
    )
    if row is None or row.device_id != (device_id or "").strip() or not row.account.is_active:
        raise SmsCodeInvalid()
    return row.account


def sms_code_check(*, challenge: str, code: str, device_id: str) -> TokenPair:
    """The token pair for the right code, within its five minutes and five tries, from the
    device the password was given on; the step is then used. A wrong code counts a try (the
    fifth voids the step); the refusal names the account so the caller counts it for axes."""
    given = (code or "").replace(" ", "")
    if len(given) != SMS_CODE_DIGITS or not given.isdigit():
        raise InvalidInput(f"验证码为 {SMS_CODE_DIGITS} 位数字", f"The code is {SMS_CODE_DIGITS} digits", field="code")
    now = timezone.now()
    with transaction.atomic():
        row = (
            AppSignInCode.objects.select_for_update()
            .select_related("account")
            .filter(challenge_hash=token_hash(challenge), done_at__isnull=True)
            .first()
        )
        if row is None or row.device_id != (device_id or "").strip() or not row.account.is_active:
            raise SmsCodeInvalid()
        if row.sent_at + SMS_CODE_TTL <= now or row.tries >= SMS_CODE_TRIES:
            AppSignInCode.objects.filter(pk=row.pk).update(done_at=now)
            refusal = SmsCodeInvalid(account=row.account)
        elif not hmac.compare_digest(row.code_hash, _sms_hash(row.challenge_hash, row.sent_at, given)):
            tries = row.tries + 1
            AppSignInCode.objects.filter(pk=row.pk).update(
                tries=tries, done_at=now if tries >= SMS_CODE_TRIES else None
            )
            refusal = SmsCodeInvalid(account=row.account, left=SMS_CODE_TRIES - tries)
        else:
            AppSignInCode.objects.filter(pk=row.pk).update(done_at=now)
            return token_issue(account=row.account, device_id=row.device_id)
    raise refusal  # after the commit: the try counted, the void step stays void


def sms_code_resend(*, challenge: str, device_id: str, mobile: str) -> SmsChallenge:
    """A new code for a pending step, a minute or more after the last and at most three in
    all (429 with ``Retry-After`` before the minute; 429 to sign in again after the third)."""
    now = timezone.now()
    with transaction.atomic():
        row = (
            AppSignInCode.objects.select_for_update()
            .filter(challenge_hash=token_hash(challenge), done_at__isnull=True)
            .first()
        )
        if row is None or row.device_id != (device_id or "").strip():
            raise SmsCodeInvalid()
        if not mobile.strip():  # the number was removed since the password step: no code to nobody
            raise SmsCodeInvalid()
        wait = math.ceil((row.sent_at + SMS_RESEND - now).total_seconds())
        if wait > 0:
            raise RateLimited(retry_after=wait)
        if row.sends >= SMS_SENDS:
            raise TooManyAttempts("验证码发送次数已达上限，请重新登录", "No more codes for this sign-in: sign in again")
        row.sends += 1
        _sms_send(row=row, mobile=mobile, now=now)
        row.save(update_fields=["code_hash", "sent_at", "tries", "sends"])
    return _challenge(row, challenge, mobile)
