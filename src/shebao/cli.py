"""The ``shebao`` console script: Django's management commands under one name.

shebao migrate · shebao seed --demo · shebao audit verify · shebao jobs run …

Without ``SHEBAO_ENV`` the settings are production's: the demo says so,
``SHEBAO_ENV=demo shebao serve`` (``make demo`` does). Settings that refuse to start (an unknown
``SHEBAO_ENV``, the demo secret or no public address in production) end the command with their
message and exit status 2, not a traceback.
"""

from __future__ import annotations

import os
import sys

SETTINGS_REFUSED = 2


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shebao.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        django.setup()  # the settings module and the apps' start-up checks, which may refuse
    except ImproperlyConfigured as refusal:
        sys.stderr.write(f"shebao: {refusal}\n")
        raise SystemExit(SETTINGS_REFUSED) from None
    execute_from_command_line(["shebao", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
