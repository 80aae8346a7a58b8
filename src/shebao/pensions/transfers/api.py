"""The pensions.transfers API router (mounted by shebao.api)."""

from ninja import Router

router = Router(tags=["transfers"])
