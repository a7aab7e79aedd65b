"""Sending one webhook request: the address check, a pinned connection, no redirects.

The host is resolved once; every address it resolves to must be public, and the request goes
to the checked address (the name is still used for TLS and the Host header), so that a name
which resolves elsewhere a moment later cannot reach the internal network.
"""

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

# Enough of a response to recognise an error page; the rest is not read.
EXCERPT_LENGTH = 300


class UnsafeEndpoint(Exception):
    """The URL may not be called: wrong scheme, unknown host or a non-public address."""


@dataclass(frozen=True)
class Endpoint:
    scheme: str
    host: str
    port: int
    target: str  # path and query
    address: str  # the checked IP address the request goes to


@dataclass(frozen=True)
class Response:
    status: int
    excerpt: str


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_endpoint(url: str) -> Endpoint:
    """The endpoint of `url` with a checked address; UnsafeEndpoint with the reason otherwise.

    HTTPS only, and public addresses only, unless WEBHOOKS_ALLOW_PRIVATE_ADDRESSES (tests)
    allows plain HTTP and private, loopback and link-local addresses too.
    """
    allow_private = settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES
    parts = urlsplit(url)
    allowed_schemes = {"https", "http"} if allow_private else {"https"}
    if parts.scheme not in allowed_schemes:
        raise UnsafeEndpoint(_("The address must start with https://."))
    host = parts.hostname
    if not host:
        raise UnsafeEndpoint(_("The address has no host name."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise UnsafeEndpoint(_("The address has an invalid port.")) from None
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise UnsafeEndpoint(
            _("The host name %(host)s could not be found.") % {"host": host}
        ) from None
    addresses = list(dict.fromkeys(info[4][0] for info in found))
    if not allow_private and not all(_is_public(address) for address in addresses):
        raise UnsafeEndpoint(
            _(
                "%(host)s is a private, local or reserved address: webhooks can only call "
                "servers on the internet."
            )
            % {"host": host}
        )
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return Endpoint(parts.scheme, host, port, target, addresses[0])


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, endpoint: Endpoint, timeout: float) -> None:
        super().__init__(endpoint.host, endpoint.port, timeout=timeout)
        self.address = endpoint.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, endpoint: Endpoint, timeout: float) -> None:
        super().__init__(
            endpoint.host, endpoint.port, timeout=timeout, context=ssl.create_default_context()
        )
        self.address = endpoint.address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(endpoint: Endpoint, body: bytes, headers: dict[str, str]) -> Response:
    """POST `body` to the endpoint; redirects are answers like any other (not followed).

    Raises OSError (timeouts, refused connections, TLS errors) and http.client errors.
    """
    timeout = settings.WEBHOOKS_TIMEOUT
    if endpoint.scheme == "https":
        connection: http.client.HTTPConnection = _PinnedHTTPSConnection(endpoint, timeout)
    else:
        connection = _PinnedHTTPConnection(endpoint, timeout)
    try:
        connection.request("POST", endpoint.target, body=body, headers=headers)
        response = connection.getresponse()
        excerpt = response.read(EXCERPT_LENGTH * 4).decode("utf-8", "replace")
        return Response(response.status, excerpt[:EXCERPT_LENGTH])
    finally:
        connection.close()
