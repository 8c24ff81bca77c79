from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Development only (installed with debug on or in tests): the `seed_demo` command."""

    name = "devtools"
