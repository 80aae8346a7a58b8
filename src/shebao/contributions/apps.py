from django.apps import AppConfig


class ContributionsConfig(AppConfig):
    name = "shebao.contributions"
    label = "contributions"
    verbose_name = "缴费 / Contributions"

    def ready(self) -> None:
        from shebao.contributions import items

        items.register_items()

        from shebao.contributions import accounts, assessment, history
        from shebao.core.jobs import job_kinds

        for kind in (accounts.ACCOUNT_INTEREST, history.HISTORY_LOAD):
            if kind.name not in job_kinds:
                job_kinds.add(kind)

        assessment.register_job_kinds()

        from shebao.contributions.audit_actions import ALIASES, ContributionAction
        from shebao.core.audit import audit_actions

        audit_actions.register(ContributionAction, aliases=ALIASES)
