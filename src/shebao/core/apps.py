from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "shebao.core"
    label = "core"
    verbose_name = "基础 / Core"

    def ready(self) -> None:
        from shebao.core import jobs  # noqa: F401 - registers core's own job kinds (audit.verify)
