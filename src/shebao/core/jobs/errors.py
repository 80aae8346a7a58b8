"""The jobs' own errors: a job or chunk that does not exist, a wait that timed out."""

from __future__ import annotations

from shebao.core.errors import NotFound, ShebaoError


class ChunkNotFound(NotFound):
    def __init__(self, chunk_id: int) -> None:
        super().__init__(f"任务块 #{chunk_id} 不存在", f"Job chunk #{chunk_id} does not exist")


class JobNotFound(NotFound):
    def __init__(self, job_id: int) -> None:
        super().__init__(f"任务 #{job_id} 不存在", f"Job #{job_id} does not exist")


class JobTimedOut(ShebaoError):
    """Chunks were still pending when the executor stopped waiting; they may yet finish."""

    status = 504
    code = "job_timeout"
