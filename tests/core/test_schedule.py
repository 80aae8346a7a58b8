"""The in-process beat (the embedded deployment's periodic work) runs each entry at its interval,
survives a failing task, and refuses a schedule it cannot keep."""

from __future__ import annotations

import pytest

from shebao.core.schedule import InProcessBeat


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Result:
    def __init__(self, value):
        self.value = value

    def get(self):
        return self.value


class Task:
    def __init__(self, name: str, calls: list[str], fails: bool = False) -> None:
        self.name, self.calls, self.fails = name, calls, fails

    def apply(self, *, throw: bool):
        self.calls.append(self.name)
        if self.fails:
            raise RuntimeError("outbox unreachable")
        return Result(len(self.calls))


class App:
    def __init__(self, tasks) -> None:
        self.tasks = {t.name: t for t in tasks}


SCHEDULE = {
    "often": {"task": "t.often", "schedule": 60.0},
    "rarely": {"task": "t.rarely", "schedule": 4 * 3600.0},
}


def test_each_entry_runs_at_start_then_at_its_interval():
    calls: list[str] = []
    clock = Clock()
    beat = InProcessBeat(SCHEDULE, clock=clock, app=App([Task("t.often", calls), Task("t.rarely", calls)]))
    assert [o.name for o in beat.tick()] == ["often", "rarely"]  # both at start
    assert beat.seconds_to_next() == 60.0
    clock.now += 59
    assert beat.tick() == []
    clock.now += 1
    assert [o.name for o in beat.tick()] == ["often"]
    clock.now += 4 * 3600
    assert [o.name for o in beat.tick()] == ["often", "rarely"]
    assert calls == ["t.often", "t.rarely", "t.often", "t.often", "t.rarely"]


def test_a_failing_task_is_reported_and_retried_without_stopping_the_others():
    calls: list[str] = []
    clock = Clock()
    beat = InProcessBeat(SCHEDULE, clock=clock, app=App([Task("t.often", calls, fails=True), Task("t.rarely", calls)]))
    first = beat.tick()
    assert [(o.name, o.ok) for o in first] == [("often", False), ("rarely", True)]
    assert "outbox unreachable" in first[0].error
    clock.now += 60
    assert [(o.name, o.ok) for o in beat.tick()] == [("often", False)]  # tried again at its next time


def test_a_schedule_that_is_not_in_seconds_is_refused():
    with pytest.raises(ValueError, match="seconds"):
        InProcessBeat({"cron": {"task": "t.often", "schedule": "0 * * * *"}}, app=App([]))


def test_the_projects_schedule_names_tasks_the_app_knows():
    beat = InProcessBeat()
    assert {e.name for e in beat.entries} >= {"notifications-deliver", "cases-sla-scan"}
    assert all(e.task in beat.app.tasks for e in beat.entries)
