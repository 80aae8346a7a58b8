from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "shebao.core"
    label = "core"
    verbose_name = "基础 / Core"

    def ready(self) -> None:
        from shebao.core import jobs  # noqa: F401 - registers core's own job kinds (audit.verify)
        from shebao.core.audit import audit_actions
        from shebao.core.audit.anchor import anchor_key
        from shebao.core.audit_actions import CoreAction

        audit_actions.register(CoreAction)
        anchor_key()  # production refuses to start without SHEBAO_AUDIT_KEY
        from shebao.core.documents.signing import signing_key_check

        signing_key_check()  # nor without SHEBAO_DOCUMENT_KEY, which signs documents' content
