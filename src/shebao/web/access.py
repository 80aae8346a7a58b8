"""Who may open a page: signed in, and for staff a session verified with the second factor.

The check itself is core's (:mod:`shebao.core.http`), one function for the shell's pages and
every domain app's; the names stay importable from here.
"""

from __future__ import annotations

from shebao.core.http import View, needs_second_factor, signed_in

__all__ = ["View", "needs_second_factor", "signed_in"]
