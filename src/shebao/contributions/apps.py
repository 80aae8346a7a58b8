from django.apps import AppConfig


class ContributionsConfig(AppConfig):
    name = "shebao.contributions"
    label = "contributions"
    verbose_name = "缴费 / Contributions"

    def ready(self) -> None:
        from shebao.contributions import items

        items.register_items()
