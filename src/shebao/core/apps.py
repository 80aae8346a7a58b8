from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "shebao.core"
    label = "core"
    verbose_name = "基础 / Core"
