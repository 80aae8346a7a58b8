"""The registry's pages: the person page, its search and the clerk's full-number reveal."""

from django.urls import path

from shebao.registry import views

app_name = "registry"
urlpatterns = [
    path("persons/search/", views.person_search, name="person_search"),
    path("persons/<int:pk>/", views.person_detail, name="person"),
    path("persons/<int:pk>/reveal/", views.person_reveal, name="person_reveal"),
]
