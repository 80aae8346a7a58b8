"""The locustfile of bench/app_api_bench.py: each user is one phone (its own access token and
device id, from the JSON file in APP_BENCH_TOKENS) asking one thing again and again, with no
think time: "my records" (GET /api/v1/app/my/records) or "nearest outlets" (GET
/api/v1/app/outlets/nearby at a point drawn in Wuhan's built-up area)."""

from __future__ import annotations

import itertools
import json
import os
import random

from locust import FastHttpUser, constant, task

PHONES = json.loads(open(os.environ["APP_BENCH_TOKENS"]).read())  # noqa: SIM115 (read once at import)
TASK = os.environ["APP_BENCH_TASK"]
_next = itertools.count()
# Wuhan's central districts (WGS-84): where the outlets are
LAT, LNG = (30.48, 30.68), (114.16, 114.42)


class Phone(FastHttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        index = next(_next)
        phone = PHONES[index % len(PHONES)]
        self.headers = {"Authorization": f"Bearer {phone['access']}", "X-Device-Id": phone["device"]}
        self.rng = random.Random(index)

    @task
    def ask(self) -> None:
        if TASK == "records":
            self.client.get("/api/v1/app/my/records?page_size=12", headers=self.headers, name="my records")
        else:
            lat, lng = self.rng.uniform(*LAT), self.rng.uniform(*LNG)
            self.client.get(
                f"/api/v1/app/outlets/nearby?lat={lat:.6f}&lng={lng:.6f}&limit=10",
                headers=self.headers,
                name="nearest outlets",
            )
