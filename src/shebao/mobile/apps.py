from django.apps import AppConfig


class MobileConfig(AppConfig):
    name = "shebao.mobile"
    label = "mobile"
    verbose_name = "手机 App / Mobile app"
