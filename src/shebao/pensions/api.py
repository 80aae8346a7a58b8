"""The pensions API router (mounted by shebao.api)."""

from ninja import Router

router = Router(tags=["pensions"])
