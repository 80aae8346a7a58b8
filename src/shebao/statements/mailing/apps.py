from django.apps import AppConfig


class StatementMailingConfig(AppConfig):
    name = "shebao.statements.mailing"
    label = "statement_mailing"
    verbose_name = "权益记录单寄送 / Statement mailing"

    def ready(self) -> None:
        from shebao.core.audit import audit_actions
        from shebao.core.jobs import JobKind, job_kinds
        from shebao.statements.mailing.audit_actions import MailingAction
        from shebao.statements.mailing.services import CHUNK_SIZE, JOB_KIND, run_chunk, run_plan

        audit_actions.register(MailingAction)
        job_kinds.add(
            JobKind(
                name=JOB_KIND,
                title="权益记录单寄送 / Statement mailing",
                plan=run_plan,
                run_chunk=run_chunk,
                chunk_size=CHUNK_SIZE,
            )
        )
