from django.http import HttpRequest, HttpResponse


def home(request: HttpRequest) -> HttpResponse:
    return HttpResponse("shebao")


def login_staff(request: HttpRequest) -> HttpResponse:
    return HttpResponse("login")


def lockout(request: HttpRequest, credentials: dict, *args: object, **kwargs: object) -> HttpResponse:
    return HttpResponse(
        "登录失败次数过多，请15分钟后再试 / Too many failed sign-ins; try again in 15 minutes", status=429
    )
