"""The app's tokens (shebao.core.tokens): hashed at rest, device-bound, expiring, rotated once,
reuse revoking the family, revocation of one device or all."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from shebao.core.models import AppSession, AppToken, AuditEvent
from shebao.core.tokens import (
    ACCESS_TTL,
    REFRESH_TTL,
    InvalidToken,
    token_hash,
    token_issue,
    token_refresh,
    token_revoke,
    token_verify,
)

PHONE = "iphone-0001-aaaa"
TABLET = "ipad-0002-bbbbbb"


@pytest.fixture
def pair(citizen):
    return token_issue(account=citizen, device_id=PHONE)


def test_issued_tokens_are_stored_only_as_their_hashes_and_audited(citizen, pair):
    # given a pair issued to the citizen's phone
    stored = set(AppToken.objects.values_list("token_hash", flat=True))
    # then the table holds the two SHA-256 digests and neither token in clear
    assert stored == {token_hash(pair.access), token_hash(pair.refresh)}
    assert pair.access not in stored and pair.refresh not in stored
    assert len(pair.access) >= 43  # 32 random bytes, url-safe base64
    event = AuditEvent.objects.get(action="app_token.issue")
    assert event.actor == citizen and event.after == {"device_id": PHONE} and event.channel == "app"


def test_access_token_works_until_15_minutes_then_is_refused(citizen, pair):
    assert dt.timedelta(minutes=15) == ACCESS_TTL
    start = timezone.now()
    with time_machine.travel(start + dt.timedelta(minutes=14, seconds=59), tick=False):
        account, _ = token_verify(access=pair.access, device_id=PHONE)
        assert account == citizen
    with time_machine.travel(start + dt.timedelta(minutes=15, seconds=1), tick=False), pytest.raises(InvalidToken):
        token_verify(access=pair.access, device_id=PHONE)


def test_refresh_token_expires_after_30_days(pair):
    assert dt.timedelta(days=30) == REFRESH_TTL
    later = timezone.now() + dt.timedelta(days=30, seconds=1)
    with time_machine.travel(later, tick=False), pytest.raises(InvalidToken):
        token_refresh(refresh=pair.refresh, device_id=PHONE)
    assert not AppToken.objects.filter(used_at__isnull=False).exists()


def test_a_token_shown_from_another_device_is_refused(pair):
    with pytest.raises(InvalidToken):
        token_verify(access=pair.access, device_id=TABLET)
    with pytest.raises(InvalidToken):
        token_refresh(refresh=pair.refresh, device_id=TABLET)
    # and the refusal did not spend the refresh token: the phone still refreshes
    assert token_refresh(refresh=pair.refresh, device_id=PHONE).access


def test_an_access_token_is_not_a_refresh_token_nor_the_reverse(pair):
    with pytest.raises(InvalidToken):
        token_refresh(refresh=pair.access, device_id=PHONE)
    with pytest.raises(InvalidToken):
        token_verify(access=pair.refresh, device_id=PHONE)


def test_refresh_rotates_and_reuse_of_the_old_one_revokes_the_whole_family(citizen, pair):
    # given the phone refreshed once
    second = token_refresh(refresh=pair.refresh, device_id=PHONE)
    assert second.refresh != pair.refresh and second.session_id == pair.session_id
    assert token_verify(access=second.access, device_id=PHONE)[0] == citizen
    # when the first refresh token is shown again (a stolen copy)
    with pytest.raises(InvalidToken):
        token_refresh(refresh=pair.refresh, device_id=PHONE)
    # then every token of that sign-in is dead, the newest included, and the reuse is audited
    session = AppSession.objects.get(pk=pair.session_id)
    assert session.revoked_reason == AppSession.Revoked.REUSE and session.revoked_at is not None
    for access in (pair.access, second.access):
        with pytest.raises(InvalidToken):
            token_verify(access=access, device_id=PHONE)
    with pytest.raises(InvalidToken):
        token_refresh(refresh=second.refresh, device_id=PHONE)
    assert AuditEvent.objects.filter(action="app_token.reuse", subject_id=str(pair.session_id)).count() == 1


def test_revoke_this_device_leaves_the_other_device_signed_in(citizen, pair):
    tablet = token_issue(account=citizen, device_id=TABLET)
    phone_session = AppSession.objects.get(pk=pair.session_id)
    assert token_revoke(account=citizen, session=phone_session) == 1
    with pytest.raises(InvalidToken):
        token_verify(access=pair.access, device_id=PHONE)
    with pytest.raises(InvalidToken):
        token_refresh(refresh=pair.refresh, device_id=PHONE)
    assert token_verify(access=tablet.access, device_id=TABLET)[0] == citizen
    event = AuditEvent.objects.get(action="app_token.revoke")
    assert event.after == {"sessions": [pair.session_id], "reason": "sign_out"}


def test_revoke_all_devices_signs_out_every_device_of_that_person_only(citizen, other_citizen, pair):
    tablet = token_issue(account=citizen, device_id=TABLET)
    theirs = token_issue(account=other_citizen, device_id=PHONE)
    assert token_revoke(account=citizen, session=AppSession.objects.get(pk=pair.session_id), all_devices=True) == 2
    for access, device in ((pair.access, PHONE), (tablet.access, TABLET)):
        with pytest.raises(InvalidToken):
            token_verify(access=access, device_id=device)
    assert token_verify(access=theirs.access, device_id=PHONE)[0] == other_citizen


def test_a_deactivated_account_s_tokens_stop_working(citizen, pair):
    citizen.is_active = False
    citizen.save(update_fields=["is_active"])
    with pytest.raises(InvalidToken):
        token_verify(access=pair.access, device_id=PHONE)
    with pytest.raises(InvalidToken):
        token_refresh(refresh=pair.refresh, device_id=PHONE)


@pytest.mark.parametrize("device", ["", "short", "x" * 129, "bad\x00device-id"])
def test_a_malformed_device_id_is_refused_before_anything_is_written(citizen, device):
    from shebao.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        token_issue(account=citizen, device_id=device)
    assert refused.value.field == "device_id"
    assert not AppSession.objects.exists() and not AppToken.objects.exists()
