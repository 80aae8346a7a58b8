"""The shared pages: landing, sign-in (three kinds), enrolment, homes, calculator, switches."""

from django.urls import path

from shebao.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("welcome/", views.landing, name="landing"),
    path("login/", views.login_staff, name="login"),
    path("login/citizen/", views.login_citizen, name="login_citizen"),
    path("login/unit/", views.login_unit, name="login_unit"),
    path("login/enrol/", views.enrol, name="enrol"),
    path("logout/", views.logout_view, name="logout"),
    path("workdays/", views.workdays_calc, name="workdays"),
    path("large-text/", views.large_text, name="large_text"),
]
