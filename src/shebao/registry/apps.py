from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "shebao.registry"
    label = "registry"
    verbose_name = "参保登记 / Registry"

    def ready(self) -> None:
        from shebao.cases.applicants import register_person_checks, register_resolver, register_unit_tie
        from shebao.registry import applicants, items, rules

        items.register_items()
        register_resolver(applicants.resolve)
        register_unit_tie(applicants.unit_employs)
        register_person_checks(sight=applicants.visible_to, name_match=rules.person_name_matches)

        from shebao.cases.eligibility import register_check, register_person_reader
        from shebao.registry import eligibility

        register_person_reader(eligibility.person_facts)
        register_check(items.KEY_CORRECTION, eligibility.birth_date_follows_the_id_number)

        from shebao.core.audit import audit_actions
        from shebao.registry.audit_actions import RegistryAction

        audit_actions.register(RegistryAction)

        from shebao.core.http import register_acting_check
        from shebao.registry.selectors import acting_grantor

        register_acting_check(acting_grantor)
