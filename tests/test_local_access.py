"""Local mode serves the owner's view to this computer only, unless the owner says otherwise."""

from __future__ import annotations

import pytest

from pathfinder.local_access import (
    ALLOW_REMOTE_OWNER_ENV,
    is_loopback,
    listens_beyond_this_computer,
    owner_view_allowed,
)


@pytest.mark.parametrize("address", [None, "127.0.0.1", "127.0.1.1", "::1", "::ffff:127.0.0.1"])
def test_loopback_clients_are_this_computer(address: str | None) -> None:
    """Streamlit's None, IPv4 and IPv6 loopback, and IPv4-mapped loopback are all local."""
    assert is_loopback(address)


@pytest.mark.parametrize(
    "address",
    ["192.168.1.20", "::ffff:192.168.1.20", "2001:db8::7", "fe80::1%eth0", "not-an-ip", ""],
)
def test_other_addresses_are_not_this_computer(address: str) -> None:
    """A LAN address, its IPv6-mapped form, a public one and garbage are all refused."""
    assert not owner_view_allowed(address, {}, environ={})


def test_a_request_through_a_proxy_is_not_this_computer() -> None:
    """A proxy on this computer connects from loopback; its headers show it is not the owner."""
    for header in ("Forwarded", "X-Real-IP", "Via", "X-Forwarded-Host"):
        assert not owner_view_allowed("127.0.0.1", {header: "x"}, environ={})
    assert owner_view_allowed("127.0.0.1", {"Accept": "text/html"}, environ={})


@pytest.mark.parametrize("flag", ["1", "true", "YES"])
def test_the_owner_can_allow_other_computers(flag: str) -> None:
    """PATHFINDER_ALLOW_REMOTE_OWNER=1 serves the owner's view to any client."""
    assert owner_view_allowed("192.168.1.20", {}, environ={ALLOW_REMOTE_OWNER_ENV: flag})
    assert not owner_view_allowed("192.168.1.20", {}, environ={ALLOW_REMOTE_OWNER_ENV: "0"})


@pytest.mark.parametrize(
    ("server_address", "reachable"),
    [
        (None, True),
        ("", True),
        ("0.0.0.0", True),
        ("::", True),
        ("192.168.1.20", True),
        ("127.0.0.1", False),
        ("localhost", False),
        ("::1", False),
    ],
)
def test_which_server_addresses_the_network_can_reach(
    server_address: str | None, reachable: bool
) -> None:
    """Streamlit's default and the wildcard addresses are reachable; loopback ones are not."""
    assert listens_beyond_this_computer(server_address) is reachable
