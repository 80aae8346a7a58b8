"""Demo and synthetic data: ``shebao seed --demo`` (deterministic, idempotent) and
``shebao seed --persons N`` (bulk, for benchmarks). Not used by the running platform."""
