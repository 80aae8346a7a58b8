from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "shebao.registry"
    label = "registry"
    verbose_name = "参保登记 / Registry"

    def ready(self) -> None:
        from shebao.cases.applicants import register_resolver, register_unit_tie
        from shebao.registry import applicants, items

        items.register_items()
        register_resolver(applicants.resolve)
        register_unit_tie(applicants.unit_employs)

        from shebao.core.audit import audit_actions
        from shebao.registry.audit_actions import RegistryAction

        audit_actions.register(RegistryAction)
