"""Where the webhook channel may POST, and a POST to exactly the address that was checked.

A webhook URL is a person's own choice, so it is untrusted: unchecked, anyone with a token
could make notify POST into the office's own network (127.0.0.1, 169.254.169.254, 10.x.x.x).
A target is refused when its scheme is not https (http only with the development setting
``allow_http``), or when ANY address its host resolves to is loopback, link-local, private,
unspecified, reserved, multicast or otherwise not global — IPv4 and IPv6, IPv4 inside IPv6
(mapped, 6to4, NAT64) included, and numeric hosts in every notation ``inet_aton`` accepts
(``2130706433``, ``0x7f.1``, ``127.1``) — unless the operator allow-lists it
(``allowed_targets``: host names, addresses or CIDRs, each optionally with ``:port``).

The check runs when a preference is saved and again before each delivery (DNS can change).
The POST then connects to the checked address itself, keeping the URL's host name for the Host
header, SNI and the certificate check, so a DNS answer that changes between check and use
changes nothing.  Redirects are never followed.
"""
import ipaddress
import re
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from urllib3 import HTTPConnectionPool, HTTPSConnectionPool, Timeout
from urllib3.exceptions import ConnectTimeoutError

NAT64 = ipaddress.ip_network("64:ff9b::/96")
KINDS = (("is_loopback", "a loopback address"), ("is_link_local", "a link-local address"),
         ("is_multicast", "a multicast address"), ("is_unspecified", "the unspecified address"),
         ("is_reserved", "a reserved address"), ("is_private", "a private address"))
_ENTRY = re.compile(r"^(?:\[(?P<v6>[^\]]+)\]|(?P<host>[^:\[\]]+))(?::(?P<port>\d{1,5}))?$")
RESPONSE_TEXT_LIMIT = 200


class TargetRefused(Exception):
    """This URL must not be posted to; the text says why."""


class Unresolvable(Exception):
    """The host has no address now (it may have one later)."""


def address_problem(ip):
    """Why notify must not connect to `ip` ("a loopback address", ...), or None when it is a
    public address."""
    if ip.version == 6:
        if ip.teredo:
            return "a Teredo tunnel address"
        embedded = ip.ipv4_mapped or ip.sixtofour or (
            ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF) if ip in NAT64 else None)
        if embedded is not None and address_problem(embedded):
            return f"{address_problem(embedded)} (IPv4 {embedded} inside IPv6)"
    for attribute, kind in KINDS:
        if getattr(ip, attribute):
            return kind
    return None if ip.is_global else "not a public address"


def numeric_address(host):
    """The address a numeric host names, in any notation the C library would accept; or None."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if not re.fullmatch(r"[0-9a-fA-FxX.]+", host) or not re.match(r"[0-9]", host):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def system_resolve(host, port):
    """Every address `host` resolves to (IPv4 and IPv6), in the resolver's order."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise Unresolvable(f"{host} could not be resolved: {exc}") from exc
    return [ipaddress.ip_address(sockaddr[0].split("%", 1)[0]) for *_, sockaddr in found]


@dataclass(frozen=True)
class Allowed:
    """One allow-list entry: a host name or a network, on one port or any."""
    name: str | None
    network: object | None
    port: int | None

    @classmethod
    def parse(cls, text):
        match = _ENTRY.match(str(text).strip().lower())
        if not match:
            raise ValueError(f"not a host, address or CIDR (with an optional :port): {text!r}")
        host = match.group("v6") or match.group("host")
        port = int(match.group("port")) if match.group("port") else None
        try:
            return cls(None, ipaddress.ip_network(host, strict=False), port)
        except ValueError:
            return cls(host.rstrip("."), None, port)

    def covers(self, host, ip, port):
        if self.port is not None and self.port != port:
            return False
        if self.name is not None:
            return host == self.name
        return ip.version == self.network.version and ip in self.network


@dataclass(frozen=True)
class Target:
    """A checked URL: where to connect (`addresses`) and what to say (`host`, `path`)."""
    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple

    @property
    def host_header(self):
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"


def _truthy(value):
    return value is True or str(value).strip().lower() in ("1", "true", "yes", "on")


class TargetPolicy:
    def __init__(self, allow_http=False, allowed=(), resolve=system_resolve):
        self.allow_http = allow_http
        self.allowed = tuple(allowed)
        self.resolve = resolve

    @classmethod
    def from_settings(cls, settings):
        """From the channel's settings: ``allow_http`` and ``allowed_targets`` (a list, or one
        string with entries separated by commas or spaces)."""
        entries = settings.get("allowed_targets") or ()
        if isinstance(entries, str):
            entries = entries.replace(",", " ").split()
        return cls(_truthy(settings.get("allow_http")), [Allowed.parse(e) for e in entries])

    def schemes(self):
        return ("https", "http") if self.allow_http else ("https",)

    def check(self, url):
        """The Target of `url`; TargetRefused, or Unresolvable when its host has no address."""
        scheme, host, port, path = self._split(url)
        numeric = numeric_address(host)
        addresses = [numeric] if numeric is not None else list(
            dict.fromkeys(self.resolve(host, port)))
        if not addresses:
            raise Unresolvable(f"{host} has no address")
        for ip in addresses:
            if any(entry.covers(host, ip, port) for entry in self.allowed):
                continue
            problem = address_problem(ip)
            if problem:
                where = f"{ip} is" if numeric is not None else f"{host} resolves to {ip}, which is"
                raise TargetRefused(f"{where} {problem}")
        return Target(scheme, host, port, path, tuple(addresses))

    def problem(self, url):
        """Why `url` cannot be saved as a webhook, or None.  A host that does not resolve now
        is accepted: it is checked again at every delivery."""
        try:
            self.check(url)
        except TargetRefused as exc:
            return str(exc)
        except Unresolvable:
            return None
        return None

    def _split(self, url):
        if not isinstance(url, str):
            raise TargetRefused("not a URL")
        try:
            parts = urlsplit(url.strip())
            port = parts.port
        except ValueError as exc:
            raise TargetRefused(f"not a valid URL: {exc}") from exc
        scheme = parts.scheme.lower()
        if scheme not in self.schemes():
            raise TargetRefused(f"not an {' or '.join(s + '://' for s in self.schemes())} URL")
        if not parts.hostname:
            raise TargetRefused("the URL has no host")
        if parts.username is not None or parts.password is not None:
            raise TargetRefused("credentials in the URL are not supported")
        host = parts.hostname.rstrip(".") or parts.hostname
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        return scheme, host, port or (443 if scheme == "https" else 80), path


@dataclass
class Answer:
    status: int
    text: str
    location: str | None


def default_cafile():
    """The CA bundle requests used before (certifi's), when the channel names none."""
    try:
        import certifi
    except ImportError:   # urllib3 then loads the system's certificates
        return None
    return certifi.where()


def post(target, body, headers, timeout, cafile=None):
    """POST `body` to the checked `target`, connecting only to its checked addresses (the next
    one when a connection cannot be made); never follows a redirect.  Raises urllib3's
    HTTPError or OSError when it could not be sent."""
    headers = {**headers, "Host": target.host_header}
    failure = None
    for ip in target.addresses:
        options = dict(port=target.port, timeout=Timeout(connect=timeout, read=timeout),
                       retries=False, maxsize=1)
        if target.scheme == "https":
            pool = HTTPSConnectionPool(str(ip), server_hostname=target.host,
                                       cert_reqs="CERT_REQUIRED",
                                       ca_certs=cafile or default_cafile(), **options)
        else:
            pool = HTTPConnectionPool(str(ip), **options)
        try:
            response = pool.urlopen("POST", target.path, body=body, headers=headers,
                                    redirect=False, retries=False, assert_same_host=False,
                                    preload_content=False)
            try:
                text = response.read(RESPONSE_TEXT_LIMIT, decode_content=False)
            finally:
                response.release_conn()
            return Answer(response.status, text.decode("utf-8", "replace"),
                          response.headers.get("Location"))
        except ConnectTimeoutError as exc:  # no connection (refused, unreachable): nothing sent
            failure = exc
        finally:
            pool.close()
    raise failure
