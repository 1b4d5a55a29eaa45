"""What goes into the portal's OpenAPI schema."""


def only_exchange_endpoints(endpoints):
    """The schema documents the exchange API only, not Wagtail's internal admin API."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
