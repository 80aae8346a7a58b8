"""Typed requests for views behind a sign-in.

Django types ``request.user`` as an account *or* the anonymous user, and knows nothing of the
``auth`` django-ninja sets on an authenticated API request. A view behind a guard that refuses
the anonymous (``shebao.web.access.signed_in`` and the role guards built on it; an API route
with ``auth=``) knows better: annotate its request with one of these classes instead of
silencing the type checker at each use. They are annotations only; Django still hands the view
its own ``HttpRequest``.
"""

from __future__ import annotations

from django.http import HttpRequest

from shebao.core.models import Account


class AccountRequest(HttpRequest):
    """A page request past a sign-in guard: ``user`` is a signed-in account."""

    user: Account


class ApiRequest(HttpRequest):
    """An API request that the route's authentication accepted: ``auth`` is the account."""

    auth: Account
