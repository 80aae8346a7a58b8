from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "shebao.cases"
    label = "cases"
    verbose_name = "办件 / Cases"

    def ready(self) -> None:
        from shebao.cases import items

        items.register_engine_items()
