"""The client's address behind reverse proxies: headers count only from trusted proxies."""

import pytest
from django.test import RequestFactory

from firstask.client_ip import client_ip, client_ip_or_none
from inquiries.throttle import client_address


def request_from(remote, **headers):
    request = RequestFactory().get("/", REMOTE_ADDR=remote, **headers)
    return request


def test_without_trusted_proxies_a_forwarded_for_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    request = request_from("203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert client_ip(request) == "203.0.113.7"


def test_a_spoofed_forwarded_for_from_an_untrusted_client_is_ignored(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    request = request_from("203.0.113.7", HTTP_X_FORWARDED_FOR="10.1.1.1, 198.51.100.1")
    assert client_ip(request) == "203.0.113.7"


def test_behind_a_trusted_proxy_the_right_most_untrusted_address_is_the_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.5", "10.0.1.0/24"]
    # The client forged the first entry; nginx (10.0.1.9) appended the real one, and the
    # load balancer (10.0.0.5) connected to us.
    request = request_from("10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7, 10.0.1.9")
    assert client_ip(request) == "203.0.113.7"


def test_x_real_ip_serves_when_the_proxy_sends_no_forwarded_for(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    request = request_from("127.0.0.1", HTTP_X_REAL_IP="203.0.113.7")
    assert client_ip(request) == "203.0.113.7"


@pytest.mark.parametrize("header", ["not-an-address", "203.0.113.7, <script>", "", " , "])
def test_a_garbled_header_from_a_trusted_proxy_falls_back_to_the_connection_address(
    settings, header
):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    request = request_from("127.0.0.1", HTTP_X_FORWARDED_FOR=header)
    assert client_ip(request) == "127.0.0.1"


def test_garbage_the_client_put_before_the_proxys_entry_does_not_hide_the_client(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    request = request_from("127.0.0.1", HTTP_X_FORWARDED_FOR="garbage, 203.0.113.7")
    assert client_ip(request) == "203.0.113.7"


def test_a_chain_of_only_trusted_proxies_gives_the_left_most(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    request = request_from("10.0.0.1", HTTP_X_FORWARDED_FOR="10.0.0.3, 10.0.0.2")
    assert client_ip(request) == "10.0.0.3"


def test_ipv6_proxies_and_ipv4_mapped_addresses(settings):
    settings.TRUSTED_PROXIES = ["::1"]
    request = request_from("::1", HTTP_X_FORWARDED_FOR="::ffff:203.0.113.7")
    assert client_ip(request) == "203.0.113.7"


def test_a_request_without_an_address_is_unknown_and_none_for_address_columns():
    request = RequestFactory().get("/")
    del request.META["REMOTE_ADDR"]
    assert client_ip(request) == "unknown"
    assert client_ip_or_none(request) is None


def test_the_tracking_throttle_counts_the_address_behind_the_proxy(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    request = request_from("127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert client_address(request) == "203.0.113.7"


def test_an_invalid_trusted_proxies_setting_is_refused_at_start_up():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={
            "DJANGO_SETTINGS_MODULE": "firstask.settings_test",
            "TRUSTED_PROXIES": "10.0.0.0/8,nonsense",
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "TRUSTED_PROXIES" in result.stderr
