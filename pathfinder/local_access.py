"""Who may open the owner's view in local mode: this computer only, unless the owner says so.

Local mode has no sign-in: whoever gets the owner's view can change and reset everything.
Started with `--server.address 0.0.0.0` (to give a mentor on the network a share link) the
server is reachable from the whole network, so the owner's view is served only to clients
on this computer's loopback addresses. Everyone else needs a share link, which is
read-only. `PATHFINDER_ALLOW_REMOTE_OWNER=1` lifts the rule for an owner who runs the app on
a machine of their own elsewhere (a home server, a container with a mounted volume).
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Mapping

ALLOW_REMOTE_OWNER_ENV = "PATHFINDER_ALLOW_REMOTE_OWNER"
# Headers a reverse proxy adds. A proxy on this computer connects from a loopback address,
# so without them every visitor it forwards would look like this computer. uvicorn already
# replaces the client address with X-Forwarded-For's when a proxy on loopback sends it;
# with any of these others the request came through a proxy that did not say who sent it.
PROXY_HEADERS = ("forwarded", "x-real-ip", "via", "x-forwarded-host")


def remote_owner_allowed(environ: Mapping[str, str] | None = None) -> bool:
    """Return whether the owner chose to be served the owner's view from other computers."""
    env = os.environ if environ is None else environ
    return env.get(ALLOW_REMOTE_OWNER_ENV, "").strip().lower() in {"1", "true", "yes"}


def is_loopback(address: str | None) -> bool:
    """Return whether a client address is this computer (None: Streamlit saw a local client).

    Streamlit reports a loopback client as None, but only for the two plain spellings;
    an IPv4 address mapped into IPv6 (`::ffff:127.0.0.1`) comes through as it is.
    """
    if address is None:
        return True
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped.is_loopback
    return ip.is_loopback


def from_this_computer(address: str | None, header_names: Mapping[str, object]) -> bool:
    """Return whether a request comes from this computer and not through a reverse proxy."""
    names = {name.lower() for name in header_names}
    if any(header in names for header in PROXY_HEADERS):
        return False
    return is_loopback(address)


def owner_view_allowed(
    address: str | None,
    header_names: Mapping[str, object],
    environ: Mapping[str, str] | None = None,
) -> bool:
    """Return whether a local-mode visitor may be served the owner's view."""
    return remote_owner_allowed(environ) or from_this_computer(address, header_names)


def network_address() -> str | None:
    """Return this computer's address on its network, or None when it has none.

    Connecting a UDP socket sends nothing; it only asks the system which local address
    it would use to reach another network, which is the address others reach it at.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.254.254.254", 9))
            address = str(probe.getsockname()[0])
        except OSError:
            return None
    return None if is_loopback(address) else address


def listens_beyond_this_computer(server_address: str | None) -> bool:
    """Return whether a server bound to `server_address` can be reached from the network."""
    if not server_address:
        return True  # Streamlit's default: every interface
    if server_address == "localhost":
        return False
    return not is_loopback(server_address)
