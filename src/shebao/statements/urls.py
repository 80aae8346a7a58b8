"""The statements pages (mounted by shebao.urls under the "statements" namespace)."""

from django.urls import URLPattern, URLResolver, path

from shebao.statements import views

app_name = "statements"
urlpatterns: list[URLPattern | URLResolver] = [
    path("statements/my/", views.mine, name="mine"),
    path("statements/my/<int:year>/", views.my_year, name="my_year"),
    path("statements/s/<str:ref>.pdf", views.pdf, name="pdf"),
    path("statements/s/<str:ref>/correction/", views.correction, name="correction"),
    path("statements/window/", views.window, name="window"),
    path("statements/unit/", views.unit_employee, name="unit"),
]
