"""Content for the app and the online hall: policy search, Q&A, employment notices."""

from ninja import Router

router = Router(tags=["content 政策与资讯"])
