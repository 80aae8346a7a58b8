"""The sign-in backend: Django's model backend, with the staff member's office loaded together
with the account. Every staff request needs the office (jurisdiction, the queue, the home
page), so reading it with the account saves a query on each of them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from shebao.core.models import Account

PATH = "shebao.core.backends.AccountBackend"


class AccountBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Account | None:
        user = Account._default_manager.select_related("office").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
