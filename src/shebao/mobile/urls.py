"""The app's pages: the six functions as installable mobile pages (manifest, service worker)."""

from django.urls import URLPattern, path

from shebao.mobile import views

app_name = "mobile"

urlpatterns: list[URLPattern] = [
    path("app/", views.home, name="home"),
    path("app/policies/", views.policies, name="policies"),
    path("app/guides/", views.guides, name="guides"),
    path("app/guides/<str:code>/", views.guide, name="guide"),
    path("app/me/", views.me, name="me"),
    path("app/jobs/", views.jobs, name="jobs"),
    path("app/messages/", views.messages, name="messages"),
    path("app/nearby/", views.nearby, name="nearby"),
    path("app/offline/", views.offline, name="offline"),
    path("app/manifest.webmanifest", views.manifest, name="manifest"),
    path("app/sw.js", views.service_worker, name="service_worker"),
    path("app/icons/icon-<int:size>.png", views.icon, name="icon"),
    path("app/icons/maskable-<int:size>.png", views.icon_maskable, name="icon_maskable"),
]
