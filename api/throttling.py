"""Requests per token per minute (settings.PRM_API_RATE_LIMIT); beyond it a 429 with
Retry-After (the seconds left in the window). Counted in Redis like every rate limit of the
portal (prm.http.ratelimit): with Redis down the limit fails open."""

import time

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from api.models import ApiToken
from prm.http import ratelimit

WINDOW = 60


class TokenRateThrottle(BaseThrottle):
    def allow_request(self, request, view):
        token = request.auth
        if not isinstance(token, ApiToken):
            return True
        now = time.time()
        start = int(now // WINDOW) * WINDOW
        self.seconds_left = start + WINDOW - now
        return not ratelimit.hit(
            f"api:rl:{token.pk}:{start}", limit=settings.PRM_API_RATE_LIMIT, window=WINDOW
        )

    def wait(self):
        return self.seconds_left
