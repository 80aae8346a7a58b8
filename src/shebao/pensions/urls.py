"""The pensions pages (mounted by shebao.urls under the "pensions" namespace)."""

from django.urls import URLPattern, URLResolver, path

from shebao.pensions import estimator, views

app_name = "pensions"
urlpatterns: list[URLPattern | URLResolver] = [
    path("my/pension/", views.my_pension, name="my_pension"),
    path("my/pension/<str:doc>.pdf", views.my_pension_pdf, name="my_pension_pdf"),
    path("pensions/lookup/", views.pension_lookup, name="lookup"),
    path("bank/pension-card/", views.bank_card_check, name="bank_card_check"),
    path("pension-estimator/", estimator.estimator, name="estimator"),
    path("pension-estimator/age/", estimator.estimator_age, name="estimator_age"),
    path("pension-estimator/pension/", estimator.estimator_pension, name="estimator_pension"),
    path("my/pension/estimate/", estimator.my_estimate, name="my_estimate"),
]
