from django.apps import AppConfig


class CardsConfig(AppConfig):
    name = "shebao.cards"
    label = "cards"
    verbose_name = "社会保障卡 / Cards"

    def ready(self) -> None:
        from shebao.cards import items

        items.register_items()
