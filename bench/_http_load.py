"""A small closed-loop HTTP load generator (standard library only) for the benchmarks.

Each user is a thread with its own keep-alive ``http.client`` connection and session cookie;
it sends one request, reads the whole answer, records the latency and sends the next, at once
or after a think time. ``run_users`` is meant to run in a process of its own (``ProcessPoolExecutor``
with the spawn context), so the generator's work does not share a GIL with anything else.
"""

from __future__ import annotations

import http.client
import os
import random
import threading
import time
from dataclasses import dataclass, field


@dataclass(frozen=True)
class UserPlan:
    cookie: str
    # (endpoint name, weight, paths): each request picks an endpoint by weight, then a path
    mix: tuple[tuple[str, float, tuple[str, ...]], ...]
    think: float = 0.0  # mean seconds between an answer and the next request (exponential); 0: none


@dataclass
class RunResult:
    seconds: float
    latencies: dict[str, list[float]] = field(default_factory=dict)  # name → ms of the 2xx answers
    errors: dict[str, dict[str, int]] = field(default_factory=dict)  # name → status (or exception) → count
    cpu_seconds: float = 0.0  # the generator process's own CPU time during the measured window


def _connect(host: str, port: int) -> http.client.HTTPConnection:
    conn = http.client.HTTPConnection(host, port, timeout=60)
    conn.connect()
    return conn


def run_users(
    *, host: str, port: int, users: list[UserPlan], seconds: float, warmup: float, seed: int = 1
) -> RunResult:
    """Run every user for ``warmup`` + ``seconds``; keep what started inside the last ``seconds``."""
    barrier = threading.Barrier(len(users) + 1)
    window: list[float] = []
    results: list[tuple[dict[str, list[float]], dict[str, dict[str, int]]]] = []
    lock = threading.Lock()

    def user_loop(index: int, plan: UserPlan) -> None:
        rng = random.Random(seed * 1000 + index)
        names = [name for name, _w, _p in plan.mix]
        weights = [w for _n, w, _p in plan.mix]
        paths = {name: p for name, _w, p in plan.mix}
        headers = {"Cookie": plan.cookie, "Accept": "application/json, text/html", "Connection": "keep-alive"}
        latencies: dict[str, list[float]] = {n: [] for n in names}
        errors: dict[str, dict[str, int]] = {n: {} for n in names}
        conn = _connect(host, port)
        barrier.wait()
        start, end = window
        while True:
            name = rng.choices(names, weights=weights)[0]
            path = rng.choice(paths[name])
            t0 = time.perf_counter()
            if t0 >= end:
                break
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
                if response.will_close:
                    conn.close()
                    conn = _connect(host, port)
            except (OSError, http.client.HTTPException) as exc:
                status = type(exc).__name__
                conn.close()
                conn = _connect(host, port)
            elapsed = (time.perf_counter() - t0) * 1000.0
            if t0 >= start:
                if status == 200:
                    latencies[name].append(elapsed)
                else:
                    errors[name][str(status)] = errors[name].get(str(status), 0) + 1
            if plan.think:
                # a person reading the answer; keep-alive connections outlive this (--keep-alive)
                time.sleep(min(rng.expovariate(1.0 / plan.think), max(0.0, end - time.perf_counter())))
        conn.close()
        with lock:
            results.append((latencies, errors))

    threads = [threading.Thread(target=user_loop, args=(i, u), daemon=True) for i, u in enumerate(users)]
    for t in threads:
        t.start()
    now = time.perf_counter()
    window.extend([now + warmup, now + warmup + seconds])
    barrier.wait()
    time.sleep(max(0.0, window[0] - time.perf_counter()))  # the generator waits out the warm-up
    cpu_start = sum(os.times()[:2])
    for t in threads:
        t.join()
    result = RunResult(seconds=seconds, cpu_seconds=sum(os.times()[:2]) - cpu_start)
    for latencies, errors in results:
        for name, values in latencies.items():
            result.latencies.setdefault(name, []).extend(values)
        for name, counts in errors.items():
            bucket = result.errors.setdefault(name, {})
            for status, n in counts.items():
                bucket[status] = bucket.get(status, 0) + n
    return result


def get_once(*, host: str, port: int, path: str, cookie: str = "") -> tuple[int, bytes, float]:
    """One GET on a fresh connection: (status, body, milliseconds)."""
    conn = _connect(host, port)
    try:
        t0 = time.perf_counter()
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        body = response.read()
        return response.status, body, (time.perf_counter() - t0) * 1000.0
    finally:
        conn.close()
