"""The pensions.transfers pages (mounted by shebao.urls under the "pensions_transfers" namespace)."""

from django.urls import URLPattern, URLResolver, path

from shebao.pensions.transfers import views

app_name = "pensions_transfers"
urlpatterns: list[URLPattern | URLResolver] = [
    path("transfers/", views.transfer_list, name="list"),
    path("transfers/dashboard/", views.transfers_dashboard, name="dashboard"),
    path("transfers/<str:number>/", views.transfer_detail, name="detail"),
    path("transfers/<str:number>/act/", views.transfer_act, name="act"),
    path("transfers/<str:number>/refuse/", views.transfer_refuse, name="refuse"),
]
