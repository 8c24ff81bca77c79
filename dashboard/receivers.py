from dashboard.queries import invalidate_cache


def invalidate(sender, **kwargs) -> None:
    """Tier recomputation and lifecycle changes move the numbers: drop every cached block."""
    invalidate_cache()


def record_sign_in(sender, request, user, **kwargs) -> None:
    """One audit row per sign-in, with the partner, for the activity block's sign-ins by week."""
    from prm.audit import audit
    from prm.tenancy import active_membership

    membership = active_membership(user)
    audit(
        actor=user,
        action="user.signed_in",
        target=user,
        partner=membership.partner_id if membership else None,
    )
