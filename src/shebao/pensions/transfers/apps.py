from django.apps import AppConfig


class PensionTransfersConfig(AppConfig):
    name = "shebao.pensions.transfers"
    label = "pension_transfers"
    verbose_name = "养老保险关系转移接续 / Pension transfers"

    def ready(self) -> None:
        from shebao.pensions.transfers import items

        items.register_items()

        from shebao.core.audit import audit_actions
        from shebao.pensions.transfers.audit_actions import TransferAction

        audit_actions.register(TransferAction)
