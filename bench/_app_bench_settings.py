"""Settings of bench/app_api_bench.py's server: production's, with the app's rate limits out of
reach (50 phones from one address at full speed are a load test, not an abuser). The counting
itself still runs on every request, so its cost is in the figures."""

from shebao.settings import *  # noqa: F403

SHEBAO_APP_RATE_PER_TOKEN = 10**9
SHEBAO_APP_RATE_PER_ADDRESS = 10**9
