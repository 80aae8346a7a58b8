from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    name = "shebao.devtools"
    label = "devtools"
    verbose_name = "开发与演示工具 / Dev tools"
