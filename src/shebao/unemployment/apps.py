from django.apps import AppConfig


class UnemploymentConfig(AppConfig):
    name = "shebao.unemployment"
    label = "unemployment"
    verbose_name = "失业保险 / Unemployment"

    def ready(self) -> None:
        from shebao.unemployment import items

        items.register_items()
