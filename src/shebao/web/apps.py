from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "shebao.web"
    label = "web"
    verbose_name = "页面 / Web"
