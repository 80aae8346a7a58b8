from django.apps import AppConfig


class MedicalConfig(AppConfig):
    name = "shebao.medical"
    label = "medical"
    verbose_name = "医疗保险 / Medical"

    def ready(self) -> None:
        from shebao.medical import cadres, items

        items.register_items()
        cadres.register()  # the cadres' move (a job kind) and their items' router
