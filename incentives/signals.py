"""What the incentives app tells higher layers (see partners/signals.py for the pattern)."""

import django.dispatch

# Sent after a tier recomputation commits: sender=RecomputationRun, run=, changes= (count).
tiers_recomputed = django.dispatch.Signal()
