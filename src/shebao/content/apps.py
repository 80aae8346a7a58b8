from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "shebao.content"
    label = "content"
    verbose_name = "政策与资讯 / Content"
