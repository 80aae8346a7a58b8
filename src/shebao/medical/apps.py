from django.apps import AppConfig


class MedicalConfig(AppConfig):
    name = "shebao.medical"
    label = "medical"
    verbose_name = "医疗保险 / Medical"

    def ready(self) -> None:
        from shebao.medical import items

        items.register_items()
