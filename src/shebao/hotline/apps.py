from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "shebao.hotline"
    label = "hotline"
    verbose_name = "12333 热线 / Hotline"

    def ready(self) -> None:
        from shebao.hotline import items

        items.register_items()
