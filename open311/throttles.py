"""Open311 filings are limited per api_key (API_WRITE_RATES["open311_key"]): one busy
integrator cannot crowd out the others, whatever addresses its requests come from."""

from __future__ import annotations

from rest_framework_api_key.models import APIKey

from casa_map.throttles import WriteThrottle


class Open311KeyThrottle(WriteThrottle):
    scope = "open311_key"

    def __init__(self, key: APIKey):
        self.key = key
        super().__init__()

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.key.prefix}
