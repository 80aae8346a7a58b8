"""Job kinds: what a kind of bulk work is (a plan of id ranges, a runner of one range) and the
registry the owning apps fill from ``AppConfig.ready()``; ``id_span``, the plan most kinds need."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from django.db.models import Max, Min

from shebao.core.errors import InvalidInput
from shebao.core.registry import AlreadyRegistered, Registry

DEFAULT_CHUNK_SIZE = 1000


Params = dict[str, Any]


class ChunkRunner(Protocol):
    def __call__(self, *, params: Params, lo: int, hi: int) -> dict[str, Any]:
        """Do the work for ids ``lo``..``hi`` (inclusive) and return a JSON-able summary. Runs
        inside the chunk's transaction: write with the ORM, never commit yourself."""
        ...


@dataclass(frozen=True)
class JobKind:
    """One kind of bulk work.

    ``plan(params)`` returns the id ranges ``(lo, hi)`` (``lo <= hi``, not overlapping) that
    cover the work; :func:`job_create` cuts them into chunks of at most ``chunk_size`` ids.
    ``run_chunk`` must be idempotent over its range only in the sense the core guarantees: it
    runs inside the chunk's transaction, so it is never seen half done.
    """

    name: str
    title: str
    plan: Callable[[Params], list[tuple[int, int]]]
    run_chunk: ChunkRunner
    chunk_size: int = DEFAULT_CHUNK_SIZE


class JobKindAlreadyRegistered(AlreadyRegistered):
    """Two kinds with one name: a wiring bug, raised at start-up."""


class UnknownJobKind(InvalidInput):
    def __init__(self, name: str) -> None:
        super().__init__(f"未知的任务类别：{name}", f"Unknown job kind: {name}", field="kind")


class JobKindRegistry(Registry[str, JobKind]):
    """The kinds this process knows, by name. Domain apps fill it from ``AppConfig.ready()``
    with :meth:`add`; a name asked for that nobody registered is bad input (a CLI argument)."""

    def add(self, kind: JobKind) -> JobKind:
        return self.register(kind.name, kind)

    def duplicate(self, key: str) -> Exception:
        return JobKindAlreadyRegistered(self.name, key)

    def missing(self, key: str) -> Exception:
        return UnknownJobKind(key)

    def all(self) -> list[JobKind]:
        return sorted(self.values(), key=lambda kind: kind.name)


job_kinds = JobKindRegistry("job kinds")


def id_span(queryset: Any) -> list[tuple[int, int]]:
    """The plan most kinds need: one range from the smallest to the largest id of a queryset
    (empty when it has no rows). Gaps in the ids cost nothing: a chunk over a gap does nothing."""
    span = queryset.aggregate(lo=Min("id"), hi=Max("id"))
    return [] if span["lo"] is None else [(span["lo"], span["hi"])]
