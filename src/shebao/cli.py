"""The ``shebao`` console script: Django's management commands under one name.

shebao migrate · shebao seed --demo · shebao audit verify · shebao jobs run …
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shebao.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["shebao", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
