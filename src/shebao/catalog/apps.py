from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "shebao.catalog"
    label = "catalog"
    verbose_name = "服务事项目录 / Service catalogue"
