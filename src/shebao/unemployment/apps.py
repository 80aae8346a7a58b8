from django.apps import AppConfig


class UnemploymentConfig(AppConfig):
    name = "shebao.unemployment"
    label = "unemployment"
    verbose_name = "失业保险 / Unemployment"

    def ready(self) -> None:
        from shebao.unemployment import items

        items.register_items()

        from shebao.cases.eligibility import register_check
        from shebao.unemployment import eligibility

        register_check("SY-002", eligibility.employment_has_ended)  # 失业保险金申领登记
