from django.apps import AppConfig


class StatementMailingConfig(AppConfig):
    name = "shebao.statements.mailing"
    label = "statement_mailing"
    verbose_name = "权益记录单寄送 / Statement mailing"
