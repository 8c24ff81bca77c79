"""Optional cross-app calls, for integration points where the callee may be absent.

Apps depend downwards (prm <- partners <- feature apps) and otherwise call each other's
`services`/`queries` directly. Where an issue says "if the other app provides a hook"
(recruitment approval starting onboarding, say), call it through here so that the caller
works, and is tested, with or without the other app's function.
"""

from django.utils.module_loading import import_string


def call_hook(path: str, /, **kwargs):
    """Call the function at dotted `path` with keyword args; None if it does not exist."""
    try:
        func = import_string(path)
    except ImportError:
        return None
    return func(**kwargs)
