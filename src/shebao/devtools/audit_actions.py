"""The audit actions of the demo and synthetic data loaders."""

from shebao.core.audit import AuditActions


class DevtoolsAction(AuditActions):
    SEED_DEMO = "seed.demo", "载入演示数据 / Demo data loaded"
    SEED_BULK = "seed.bulk", "生成合成数据 / Synthetic data generated"
