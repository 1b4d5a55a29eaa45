"""The client's address comes from trusted proxies only (EVAL-9: a meeting room is counted
by its real address; SYS-8: the sign-in log records who really signed in)."""

import pytest
from django.test import RequestFactory

from kaohe.core.net import client_address


@pytest.fixture
def request_from():
    factory = RequestFactory()

    def make(remote, **headers):
        request = factory.get("/", REMOTE_ADDR=remote)
        request.META.update(headers)
        return request

    return make


def test_headers_from_an_untrusted_client_are_ignored(settings, request_from):
    """SYS-8: a client that sets X-Forwarded-For or X-Real-IP itself is counted by its own address."""
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    request = request_from("10.2.3.4", HTTP_X_FORWARDED_FOR="1.1.1.1", HTTP_X_REAL_IP="2.2.2.2")
    assert client_address(request) == "10.2.3.4"


def test_no_trusted_proxy_configured_means_no_header_is_believed(settings, request_from):
    settings.TRUSTED_PROXIES = []
    assert client_address(request_from("127.0.0.1", HTTP_X_REAL_IP="2.2.2.2")) == "127.0.0.1"


def test_forwarded_chain_is_read_from_the_right_past_trusted_proxies(settings, request_from):
    """EVAL-9: behind nginx (and a load balancer) the visitor's own address is used; an address the
    visitor put at the left of the chain is not."""
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.9.0.0/16"]
    request = request_from("127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 172.16.5.20, 10.9.0.3")
    assert client_address(request) == "172.16.5.20"


def test_real_ip_from_a_trusted_proxy_without_a_forwarded_chain(settings, request_from):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert client_address(request_from("127.0.0.1", HTTP_X_REAL_IP="172.16.5.21")) == "172.16.5.21"


def test_garbled_or_missing_addresses(settings, request_from):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert client_address(request_from("127.0.0.1", HTTP_X_FORWARDED_FOR="nonsense")) == "127.0.0.1"
    assert client_address(request_from("")) is None
    assert client_address(None) is None
