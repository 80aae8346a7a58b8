"""Configuration: production-safe by default, exactly three environments, the public address
required in production; passwords are hashed with Argon2; every command that runs the demo or
the tests names its environment."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
REAL_SECRET = "a-real-secret-from-the-vault-0123456789"
PUBLIC = "https://si.wuhan.example.cn"
SHOWN = (
    "import json, shebao.settings as s; print(json.dumps({'env': s.ENV, 'debug': s.DEBUG, "
    "'secret': s.SECRET_KEY[:6], 'session_secure': s.SESSION_COOKIE_SECURE, "
    "'csrf_secure': s.CSRF_COOKIE_SECURE, 'hsts': getattr(s, 'SECURE_HSTS_SECONDS', 0), "
    "'public_url': s.PUBLIC_URL, 'hosts': s.ALLOWED_HOSTS}))"
)


def _env(**values: str | None) -> dict[str, str]:
    """This process's environment without any SHEBAO_ setting, then ``values`` (None: unset)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHEBAO_")}
    env.update({k: v for k, v in values.items() if v is not None})
    return env


def _load(code: str = SHOWN, **values: str | None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], env=_env(**values), capture_output=True, text=True, timeout=60, check=False
    )


def _settings(**values: str | None) -> dict:
    result = _load(**values)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_without_shebao_env_the_settings_are_productions():
    # given no SHEBAO_ENV but a real secret and the public address
    shown = _settings(SHEBAO_SECRET_KEY=REAL_SECRET, SHEBAO_PUBLIC_URL=PUBLIC)

    # then production: DEBUG off, secure cookies, HSTS, answering to the public host only
    assert shown["env"] == "production"
    assert shown["debug"] is False
    assert shown["session_secure"] is True and shown["csrf_secure"] is True
    assert shown["hsts"] >= 31536000
    assert shown["hosts"] == ["si.wuhan.example.cn"]


def test_without_shebao_env_the_demo_secret_is_refused():
    result = _load(SHEBAO_PUBLIC_URL=PUBLIC)
    assert result.returncode != 0
    assert "SHEBAO_SECRET_KEY" in result.stderr


@pytest.mark.parametrize("value", ["prod", "Production", "production ", "PRODUCTION", "dev", "demo ", ""])
def test_an_unknown_environment_refuses_to_start_naming_the_value(value):
    # given a near miss of a known environment (each started silently as the demo)
    result = _load(SHEBAO_ENV=value, SHEBAO_SECRET_KEY=REAL_SECRET, SHEBAO_PUBLIC_URL=PUBLIC)

    # then the process refuses, in both languages, quoting what it was given
    assert result.returncode != 0
    assert "SHEBAO_ENV" in result.stderr and repr(value) in result.stderr
    assert "只能是" in result.stderr and "must be exactly one of demo, test, production" in result.stderr


@pytest.mark.parametrize("env", ["demo", "test"])
def test_the_demo_and_the_tests_run_with_the_demo_secret_when_they_say_so(env):
    shown = _settings(SHEBAO_ENV=env)
    assert shown["env"] == env and shown["secret"] == "shebao"
    assert shown["session_secure"] is False and shown["hsts"] == 0
    assert shown["public_url"] == "http://127.0.0.1:8000"


def test_production_refuses_the_demo_secret():
    result = _load(SHEBAO_ENV="production", SHEBAO_PUBLIC_URL=PUBLIC)
    assert result.returncode != 0
    assert "SHEBAO_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_the_public_address():
    # given production with a real secret but no SHEBAO_PUBLIC_URL (documents printed 127.0.0.1)
    result = _load(SHEBAO_ENV="production", SHEBAO_SECRET_KEY=REAL_SECRET)

    # then it refuses, naming the setting
    assert result.returncode != 0
    assert "SHEBAO_PUBLIC_URL" in result.stderr and "生产环境须设置" in result.stderr


def test_production_starts_with_a_real_secret_and_its_public_address():
    shown = _settings(SHEBAO_ENV="production", SHEBAO_SECRET_KEY=REAL_SECRET, SHEBAO_PUBLIC_URL=PUBLIC + "/")
    assert shown["secret"] == "a-real"
    assert shown["public_url"] == PUBLIC  # no trailing slash: paths are appended to it


@pytest.mark.parametrize(
    "value", ["si.wuhan.example.cn", "ftp://si.wuhan.example.cn", "https://x.cn/shebao", "https://"]
)
def test_a_public_address_that_is_not_scheme_and_host_is_refused(value):
    result = _load(SHEBAO_ENV="demo", SHEBAO_PUBLIC_URL=value)
    assert result.returncode != 0
    assert "SHEBAO_PUBLIC_URL" in result.stderr


def test_the_command_line_refuses_with_the_message_not_a_traceback():
    # given a typo in the environment; when any shebao command runs
    result = _load("from shebao.cli import main; main(['check'])", SHEBAO_ENV="prod")

    # then exit status 2 and one line naming the problem
    assert result.returncode == 2
    assert result.stderr.startswith("shebao: SHEBAO_ENV")
    assert "Traceback" not in result.stderr


def _dry_run(target: str) -> list[str]:
    """The commands ``make <target>`` would run (the virtualenv taken as installed)."""
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", "-o", ".venv/.installed", target],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


@pytest.mark.parametrize(("target", "env"), [("demo", "demo"), ("test-sqlite", "test")])
def test_every_make_target_that_runs_shebao_names_its_environment(target, env):
    # given the README's commands; when make spells out what it would run
    runs = [line for line in _dry_run(target) if re.search(r"bin/shebao |-m pytest", line)]

    # then every command that loads the settings says which environment it is
    assert runs
    assert all(f"SHEBAO_ENV={env} " in line for line in runs), runs


def test_the_demo_prints_its_own_address_on_documents():
    demo = [line for line in _dry_run("demo") if "bin/shebao " in line]
    assert all("SHEBAO_PUBLIC_URL=" in line for line in demo), demo


def test_passwords_are_hashed_with_argon2():
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
