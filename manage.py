#!/usr/bin/env python
import os
import sys

from devtools.servers import use_embedded_servers


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prm.settings")
    # Development: DATABASE_URL and REDIS_URL of the embedded servers unless given (a no-op
    # with debug off: production sets both).
    use_embedded_servers()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
