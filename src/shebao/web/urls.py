from django.urls import path

from shebao.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_staff, name="login"),
]
