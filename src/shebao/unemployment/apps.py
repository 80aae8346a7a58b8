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

        register_check("SY-001", eligibility.within_window_period)  # 失业人员名单备案
        register_check("SY-002", eligibility.within_window_period)  # 失业保险金申领登记
        register_check("SY-002", eligibility.employment_has_ended)
        register_check("SY-002", eligibility.claim_is_eligible)

        from shebao.core.jobs import job_kinds
        from shebao.unemployment.services import PAYMENTS

        if PAYMENTS.name not in job_kinds:
            job_kinds.add(PAYMENTS)

        from shebao.core.audit import audit_actions
        from shebao.unemployment.audit_actions import UnemploymentAction

        audit_actions.register(UnemploymentAction)
