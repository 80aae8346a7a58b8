from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "shebao.registry"
    label = "registry"
    verbose_name = "参保登记 / Registry"

    def ready(self) -> None:
        from shebao.registry import items

        items.register_items()
