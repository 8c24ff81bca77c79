from dashboard.queries import invalidate_cache


def invalidate(sender, **kwargs) -> None:
    """Tier recomputation, the deal roll-up and lifecycle changes move the numbers: drop every cached block."""
    invalidate_cache()
