from django.apps import AppConfig


class ContributionsConfig(AppConfig):
    name = "shebao.contributions"
    label = "contributions"
    verbose_name = "缴费 / Contributions"
