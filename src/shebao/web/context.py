from django.http import HttpRequest


def shebao(request: HttpRequest) -> dict:
    return {"large_text": getattr(request, "large_text", False)}
