""".ci/run waits for each service the mandatory tests need, RabbitMQ among them, and stops
before the test run when one does not answer.

The script runs in its own network namespace (``unshare -rn``) where only the ports a test
chooses are listening; the commands it calls (make, apt-get, the servers' start-up, sleep)
are stand-ins on PATH that record they were called.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CI

ROOT = Path(__file__).resolve().parents[2]
SERVICES = {5432: "PostgreSQL", 6379: "Redis", 5672: "RabbitMQ"}

# Inside the namespace: loopback up, the chosen ports listening, then the script.
WRAPPER = """
import socket, subprocess, sys
subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
listening = []
for port in sys.argv[2:]:
    s = socket.socket()
    s.bind(("127.0.0.1", int(port)))
    s.listen(16)
    listening.append(s)
sys.exit(subprocess.run(["bash", sys.argv[1]]).returncode)
"""


def _namespaces_work() -> bool:
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return False
    probe = subprocess.run(["unshare", "-rn", "true"], capture_output=True, timeout=30, check=False)
    return probe.returncode == 0


@pytest.fixture
def sandbox(tmp_path: Path) -> Path:
    if not _namespaces_work():
        if CI:
            pytest.fail("unshare -rn (user and network namespaces) is needed under CI=true", pytrace=False)
        pytest.skip("this machine cannot make an unprivileged network namespace (unshare -rn)")
    (tmp_path / ".ci").mkdir()
    shutil.copy(ROOT / ".ci" / "run", tmp_path / ".ci" / "run")
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    for name in ("make", "apt-get", "dpkg", "chromium", "pdftoppm", "pg_ctlcluster", "redis-server", "rabbitmq-server"):
        stub = stubs / name
        stub.write_text(f'#!/bin/sh\necho "{name} $*" >> "{tmp_path}/called"\n')
        stub.chmod(0o755)
    (stubs / "sleep").write_text("#!/bin/sh\nexit 0\n")  # the waits take no time here
    (stubs / "sleep").chmod(0o755)
    return tmp_path


def _ci_run(sandbox: Path, listening: list[int]) -> tuple[subprocess.CompletedProcess, str]:
    path = f"{sandbox / 'stubs'}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    result = subprocess.run(
        ["unshare", "-rn", sys.executable, "-c", WRAPPER, str(sandbox / ".ci" / "run"), *map(str, listening)],
        env={"PATH": path, "HOME": str(sandbox)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    called = sandbox / "called"
    return result, called.read_text() if called.exists() else ""


def test_ci_stops_before_the_tests_when_rabbitmq_does_not_answer(sandbox):
    # given PostgreSQL and Redis answering, RabbitMQ not (its start-up does nothing here)
    result, called = _ci_run(sandbox, [5432, 6379])

    # then the run fails naming the port, after trying to start RabbitMQ, and no test ran
    assert result.returncode != 0
    assert "5672" in result.stdout + result.stderr
    assert "rabbitmq-server -detached" in called
    assert "make test" not in called


def test_ci_runs_the_tests_once_every_service_answers(sandbox):
    result, called = _ci_run(sandbox, list(SERVICES))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "make test" in called
    assert "rabbitmq-server" not in called  # already up: not started again
