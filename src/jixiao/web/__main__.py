"""``python -m jixiao.web <command>``: Django's manage.py for the platform (migrate, createsuperuser, check …)."""

import os
import sys

from django.core.management import execute_from_command_line


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.web.settings")
    from .server import SettingsError, setup

    try:
        setup()  # a missing JIXIAO_SECRET_KEY is a sentence, not a traceback
    except SettingsError as exc:
        sys.stderr.write(f"错误：{exc}\n")
        sys.exit(2)
    execute_from_command_line([sys.argv[0], *sys.argv[1:]])


if __name__ == "__main__":
    main()
