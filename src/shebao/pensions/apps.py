from django.apps import AppConfig


class PensionsConfig(AppConfig):
    name = "shebao.pensions"
    label = "pensions"
    verbose_name = "养老待遇 / Pensions"

    def ready(self) -> None:
        from shebao.pensions import items

        items.register_items()
