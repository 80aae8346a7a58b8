"""What every contributions page shares: who may open it, and how a domain error is shown.

``signed_in`` is the one sign-in check of every page (:func:`shebao.core.http.signed_in`):
anonymous visitors go to sign in and come back, staff whose session has not passed the second
factor go to the staff sign-in, and an htmx request whose session expired takes the whole page
there instead of swapping a sign-in form into a panel.
"""

from __future__ import annotations

from shebao.core.errors import ShebaoError
from shebao.core.http import signed_in
from shebao.registry.views import channel_for, error_page

__all__ = ["channel_for", "error_page", "error_text", "signed_in"]


def error_text(error: ShebaoError) -> str:
    """A domain error's message as the pages say everything: Chinese first, then English,
    whatever the browser's language (a clerk's English browser still shows the Chinese)."""
    return f"{error.message_zh} / {error.message_en}"
