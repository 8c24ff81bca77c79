"""What the content library tells the apps above it (they connect in AppConfig.ready()).

`asset_viewed`: sent with sender=Asset and `asset_id`, `partner`, `user` after a partner
user's view of an asset has been recorded and committed (onboarding completes "read this
asset" tasks)."""

import django.dispatch

asset_viewed = django.dispatch.Signal()
