"""Periodic work without a Celery beat: the embedded deployment (``make demo``: SQLite, no broker)
runs the same ``CELERY_BEAT_SCHEDULE`` in process, so deadlines are warned and escalated and
notifications go out there as they do in production.

Each entry runs once when the beat starts, then every ``schedule`` seconds, through the task's
own code run locally (Celery's ``Task.apply``: no broker, no worker). A task that fails is
logged and tried again at its next time; it never stops the beat or the other entries. The
clock is injectable, so :meth:`InProcessBeat.tick` is tested without waiting.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import close_old_connections

log = logging.getLogger("shebao.schedule")


@dataclass
class Entry:
    name: str
    task: str
    every: float  # seconds
    next_at: float = 0.0  # on the beat's clock; 0: at the first tick


@dataclass(frozen=True)
class Outcome:
    name: str
    ok: bool
    result: Any = None
    error: str = ""


def _entries(schedule: Mapping[str, Mapping[str, Any]]) -> list[Entry]:
    entries = []
    for name, spec in schedule.items():
        every = spec["schedule"]
        if not isinstance(every, int | float) or every <= 0:
            raise ValueError(f"{name}: the in-process beat takes a schedule in seconds, not {every!r}")
        entries.append(Entry(name=name, task=spec["task"], every=float(every)))
    return entries


class InProcessBeat:
    """Runs ``schedule`` (``CELERY_BEAT_SCHEDULE`` by default) in this process."""

    def __init__(
        self,
        schedule: Mapping[str, Mapping[str, Any]] | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        app: Any = None,
    ) -> None:
        self.entries = _entries(settings.CELERY_BEAT_SCHEDULE if schedule is None else schedule)
        self.clock = clock
        self._app = app
        self._stop = threading.Event()

    @property
    def app(self) -> Any:
        if self._app is None:
            from shebao.celery import app  # the project's app: its task registry

            app.loader.import_default_modules()  # each app's tasks.py, as a worker imports them at start
            self._app = app
        return self._app

    def tick(self) -> list[Outcome]:
        """Run every entry that is due now, once each, in schedule order."""
        now = self.clock()
        outcomes = []
        for entry in self.entries:
            if entry.next_at > now:
                continue
            entry.next_at = now + entry.every
            outcomes.append(self._run(entry))
        return outcomes

    def _run(self, entry: Entry) -> Outcome:
        try:
            result = self.app.tasks[entry.task].apply(throw=True).get()
        except Exception as exc:  # a failing task is logged and retried at its next time
            log.exception("periodic task %s failed", entry.name)
            return Outcome(name=entry.name, ok=False, error=f"{type(exc).__name__}: {exc}")
        log.info("periodic task %s: %s", entry.name, result)
        return Outcome(name=entry.name, ok=True, result=result)

    def seconds_to_next(self) -> float:
        return max(0.0, min(e.next_at for e in self.entries) - self.clock()) if self.entries else 3600.0

    def run_forever(self) -> None:
        while not self._stop.is_set():
            close_old_connections()  # the beat thread's own connection, as a request's: dropped when broken
            self.tick()
            close_old_connections()
            self._stop.wait(self.seconds_to_next())

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.run_forever, name="shebao-beat", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self._stop.set()
