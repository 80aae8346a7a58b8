"""The statements API router (mounted by shebao.api)."""

from ninja import Router

router = Router(tags=["statements"])
