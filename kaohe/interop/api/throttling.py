"""Requests per API client (or per signed-in person, or per address) in a window (SYS-3).

The counts live in Django's cache: with several app servers, set
``CACHE_URL`` to a shared Redis so the limit holds across them.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from kaohe.core.net import client_address

from ..models import ApiClient


class ApiRateThrottle(SimpleRateThrottle):
    scope = "api"

    def get_rate(self):
        # Read at request time (not import time) so settings changes apply.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope, "1200/min")

    def get_ident(self, request):
        # DRF believes any X-Forwarded-For unless NUM_PROXIES is set; ours believes the
        # trusted proxies only, like every other limit.
        return client_address(request) or "-"

    def get_cache_key(self, request, view):
        actor = request.user
        if isinstance(actor, ApiClient):
            ident = f"client-{actor.pk}"
        elif getattr(actor, "is_authenticated", False):
            ident = f"user-{actor.pk}"
        else:
            ident = f"addr-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
