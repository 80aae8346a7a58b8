"""The mailing pages (mounted by shebao.urls under the "statement_mailing" namespace)."""

from django.urls import URLPattern, URLResolver, path

from shebao.statements.mailing import views

app_name = "statement_mailing"
urlpatterns: list[URLPattern | URLResolver] = [
    path("statements/mailing/", views.runs, name="runs"),
    path("statements/mailing/<int:run_id>/", views.run, name="run"),
    path("statements/mailing/<int:run_id>/manifest.<str:kind>", views.manifest, name="manifest"),
    path("statements/mailing/<int:run_id>/needs-address.csv", views.needs_address, name="needs_address"),
    path("statements/mailing/returns/", views.returns, name="returns"),
    path("statements/my/delivery/", views.delivery, name="delivery"),
]
