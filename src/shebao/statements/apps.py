from django.apps import AppConfig


class StatementsConfig(AppConfig):
    name = "shebao.statements"
    label = "statements"
    verbose_name = "个人权益记录 / Rights statements"
