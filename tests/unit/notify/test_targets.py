"""Which webhook targets notify may post to (no network: numeric hosts and given answers)."""
import ipaddress

import pytest

from services.notify.channels.targets import (Allowed, TargetPolicy, TargetRefused,
                                              Unresolvable, address_problem, numeric_address)


def answers(table):
    """A resolver with fixed answers, counting its lookups (a DNS server's view, for tests)."""
    def resolve(host, port):
        resolve.lookups.append(host)
        if host not in table:
            raise Unresolvable(f"{host} could not be resolved")
        return [ipaddress.ip_address(a) for a in table[host]]
    resolve.lookups = []
    return resolve


@pytest.mark.parametrize("address, kind", [
    ("127.0.0.1", "loopback"), ("127.8.9.10", "loopback"), ("::1", "loopback"),
    ("169.254.169.254", "link-local"), ("fe80::1", "link-local"),
    ("10.1.2.3", "private"), ("172.16.0.1", "private"), ("192.168.1.1", "private"),
    ("fd00:ec2::254", "private"), ("100.64.0.1", "not a public"),
    ("0.0.0.0", "unspecified"), ("::", "unspecified"),
    ("224.0.0.1", "multicast"), ("ff02::1", "multicast"), ("240.0.0.1", "reserved"),
    ("255.255.255.255", "reserved"), ("::7f00:1", "reserved"), ("198.18.0.1", "private"),
    ("::ffff:127.0.0.1", "loopback"), ("::ffff:169.254.169.254", "link-local"),
    ("2002:7f00:1::", "loopback"), ("64:ff9b::a00:1", "private"), ("2001::1", "Teredo"),
])
def test_every_non_public_range_is_refused(address, kind):
    assert kind in address_problem(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_pass(address):
    assert address_problem(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize("host, address", [
    ("2130706433", "127.0.0.1"), ("0x7f.1", "127.0.0.1"), ("0x7f000001", "127.0.0.1"),
    ("0177.0.0.1", "127.0.0.1"), ("127.1", "127.0.0.1"), ("::ffff:7f00:1", "::ffff:127.0.0.1"),
])
def test_numeric_hosts_are_read_in_every_notation_the_c_library_accepts(host, address):
    assert numeric_address(host) == ipaddress.ip_address(address)


def test_names_are_not_numbers():
    assert numeric_address("hooks.example.vn") is None and numeric_address("cafe.vn") is None


@pytest.mark.parametrize("url", [
    "https://127.0.0.1/hook", "https://2130706433/", "https://0x7f.1:8080/", "https://[::1]/",
    "https://[::ffff:127.0.0.1]/", "https://169.254.169.254/latest/meta-data/",
    "https://10.0.0.5/hook", "https://192.168.1.10/", "https://[fd00::1]/", "https://0.0.0.0/",
    "https://localhost/", "https://LOCALHOST./", "https://rebind.example.vn/",
])
def test_internal_targets_are_refused(url):
    policy = TargetPolicy(resolve=answers({"localhost": ["127.0.0.1", "::1"],
                                           "rebind.example.vn": ["93.184.216.34", "10.0.0.1"]}))
    with pytest.raises(TargetRefused):
        policy.check(url)
    assert policy.problem(url)


def test_http_only_with_the_development_setting_and_never_other_schemes():
    public = answers({"hooks.example.vn": ["93.184.216.34"]})
    assert TargetPolicy(resolve=public).problem("http://hooks.example.vn/h") == \
        "not an https:// URL"
    assert TargetPolicy(allow_http=True, resolve=public).problem("http://hooks.example.vn/h") is None
    for url in ("ftp://hooks.example.vn/", "file:///etc/passwd", "gopher://x", "https:///nohost",
                "https://user:pw@hooks.example.vn/", "https://hooks.example.vn:99999/", None):
        assert TargetPolicy(allow_http=True, resolve=public).problem(url)


def test_the_checked_addresses_are_the_ones_connected_to():
    resolve = answers({"hooks.example.vn": ["93.184.216.34", "2606:2800:220:1::1"]})
    target = TargetPolicy(resolve=resolve).check("https://hooks.example.vn/h?x=1")
    assert target.addresses == (ipaddress.ip_address("93.184.216.34"),
                                ipaddress.ip_address("2606:2800:220:1::1"))
    assert (target.host, target.port, target.path, target.host_header) == (
        "hooks.example.vn", 443, "/h?x=1", "hooks.example.vn")
    assert resolve.lookups == ["hooks.example.vn"]   # one lookup: checked and used together


def test_a_name_that_does_not_resolve_is_saved_but_not_sent():
    policy = TargetPolicy(resolve=answers({}))
    assert policy.problem("https://not-yet.example.vn/h") is None
    with pytest.raises(Unresolvable):
        policy.check("https://not-yet.example.vn/h")


def test_the_operator_allow_lists_hosts_addresses_and_networks_with_or_without_a_port():
    resolve = answers({"receiver.office.local": ["10.0.0.7"], "localhost": ["127.0.0.1"]})
    policy = TargetPolicy(allow_http=True, resolve=resolve, allowed=[
        Allowed.parse("127.0.0.1:8080"), Allowed.parse("receiver.office.local"),
        Allowed.parse("192.168.10.0/24"), Allowed.parse("[::1]:9000")])
    for url in ("http://127.0.0.1:8080/h", "http://localhost:8080/h",
                "https://receiver.office.local/h", "https://192.168.10.9/", "http://[::1]:9000/"):
        assert policy.problem(url) is None, url
    for url in ("http://127.0.0.1:22/", "http://localhost:8081/", "https://192.168.11.1/",
                "http://[::1]:9001/"):
        assert policy.problem(url), url


def test_settings_read_the_allow_list_as_a_list_or_one_string():
    policy = TargetPolicy.from_settings({"allow_http": "false",
                                         "allowed_targets": "127.0.0.1:1, 10.0.0.0/8"})
    assert not policy.allow_http and len(policy.allowed) == 2
    assert TargetPolicy.from_settings({"allow_http": True}).allow_http
    with pytest.raises(ValueError):
        Allowed.parse("host:port")
