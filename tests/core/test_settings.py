"""Configuration: production refuses the demo secret; passwords are hashed with Argon2."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings


def _load_settings(env: dict[str, str]) -> subprocess.CompletedProcess:
    code = "import shebao.settings as s; print(s.SECRET_KEY[:6])"
    return subprocess.run(
        [sys.executable, "-c", code], env={**os.environ, **env}, capture_output=True, text=True, timeout=60, check=False
    )


def test_production_refuses_the_demo_secret():
    env = {k: v for k, v in os.environ.items() if k != "SHEBAO_SECRET_KEY"}
    result = subprocess.run(
        [sys.executable, "-c", "import shebao.settings"],
        env={**env, "SHEBAO_ENV": "production"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "SHEBAO_SECRET_KEY" in result.stderr


def test_production_starts_with_a_real_secret():
    result = _load_settings(
        {"SHEBAO_ENV": "production", "SHEBAO_SECRET_KEY": "a-real-secret-from-the-vault-0123456789"}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "a-real"


def test_passwords_are_hashed_with_argon2():
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
