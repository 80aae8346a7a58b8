"""The sign-in backend loads a staff member's office with the account (one query), and still
refuses inactive accounts; sessions live in the shared cache only when there is one."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from shebao.core.backends import AccountBackend
from shebao.core.models import Account

pytestmark = pytest.mark.django_db


def test_get_user_reads_account_and_office_in_one_query(clerk, django_assert_num_queries):
    with django_assert_num_queries(1):
        user = AccountBackend().get_user(clerk.pk)
        assert user is not None
        assert user.office.name == clerk.office.name


def test_get_user_refuses_an_inactive_or_missing_account(clerk):
    Account.objects.filter(pk=clerk.pk).update(is_active=False)
    assert AccountBackend().get_user(clerk.pk) is None
    assert AccountBackend().get_user(10**9) is None


@pytest.mark.parametrize(("redis", "engine"), [("", "db"), ("redis://127.0.0.1:6379/9", "cached_db")])
def test_sessions_use_the_cache_only_when_it_is_shared(redis, engine):
    code = "import shebao.settings as s; print(s.SESSION_ENGINE)"
    env = {**os.environ, "REDIS_URL": redis}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"django.contrib.sessions.backends.{engine}"
