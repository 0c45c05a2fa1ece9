"""A private dovecot IMAP server for tests.

`dovecot_server` (one per test session) writes a minimal config into a fresh directory under
/tmp, starts `dovecot -F -c <conf>` on a free port of 127.0.0.1 and stops it at the end.
`imap_server` (one per test) gives a fresh account on it, so every test starts with an empty
INBOX: `host, port, user, password, maildir = imap_server`.  The passdb is static, so any user
name logs in with the one password; the mail of user U lives in `<tmp>/mail/U` (Maildir).

Run as root (CI), mail is owned by the system user `mail` (dovecot refuses uid 0 for mail and
root for its login processes; it drops to its own `dovecot`/`dovenull` users).  Run as
another user, dovecot runs entirely as that user.  Without dovecot the fixture fails and says
how to install it: `deploy/local/ensure-dovecot.sh`.

Use it from a test module with `from tests.support.dovecot import dovecot_server, imap_server`.
"""
import grp
import imaplib
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections import namedtuple
from pathlib import Path

import pytest

ImapServer = namedtuple("ImapServer", "host port user password maildir")

HOST = "127.0.0.1"
PASSWORD = "vanphong-test"
START_TIMEOUT = 30.0
INSTALL_HINT = "dovecot (IMAP server) is not installed: run deploy/local/ensure-dovecot.sh"


def find_dovecot():
    found = shutil.which("dovecot")
    if found:
        return found
    for candidate in ("/usr/sbin/dovecot", "/usr/local/sbin/dovecot"):
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _identity():
    """(user lines of the config, uid, gid) for mail storage, depending on who runs the tests."""
    if os.geteuid() == 0:
        try:
            account = pwd.getpwnam("mail")
        except KeyError:
            account = pwd.getpwnam("nobody")
        uid, gid = account.pw_uid, account.pw_gid
        lines = [f"first_valid_uid = {uid}", f"first_valid_gid = {gid}"]
        return lines, uid, gid
    uid, gid = os.getuid(), os.getgid()
    user, group = pwd.getpwuid(uid).pw_name, grp.getgrgid(gid).gr_name
    lines = [
        f"default_internal_user = {user}",
        f"default_internal_group = {group}",
        f"default_login_user = {user}",
        f"first_valid_uid = {uid}",
        f"first_valid_gid = {gid}",
    ]
    return lines, uid, gid


def write_config(root, port):
    """The whole dovecot config (nothing from /etc/dovecot) and the mail directory."""
    identity, uid, gid = _identity()
    mail = root / "mail"
    mail.mkdir()
    if os.geteuid() == 0:
        os.chown(mail, uid, gid)
    config = "\n".join([
        "# written by tests/support/dovecot.py",
        "protocols = imap",
        f"listen = {HOST}",
        f"base_dir = {root}/run",
        f"state_dir = {root}/state",
        f"log_path = {root}/dovecot.log",
        f"info_log_path = {root}/dovecot.log",
        "ssl = no",
        "disable_plaintext_auth = no",
        "auth_mechanisms = plain login",
        "auth_failure_delay = 0",
        f"mail_location = maildir:{mail}/%u",
        *identity,
        "passdb {",
        "  driver = static",
        f"  args = password={PASSWORD}",
        "}",
        "userdb {",
        "  driver = static",
        f"  args = uid={uid} gid={gid} home={mail}/%u",
        "}",
        "service anvil {",  # no growing delay after the wrong-password test
        "  chroot =",  # chroot needs root; the others that chroot are not started
        "  unix_listener anvil-auth-penalty {",
        "    mode = 0",
        "  }",
        "}",
        "service imap-login {",
        "  chroot =",
        "  inet_listener imap {",
        f"    address = {HOST}",
        f"    port = {port}",
        "  }",
        "  inet_listener imaps {",
        "    port = 0",
        "  }",
        "}",
        "",
    ])
    path = root / "dovecot.conf"
    path.write_text(config)
    return path, mail


def _greets(port):
    try:
        with socket.create_connection((HOST, port), timeout=2) as sock:
            return sock.recv(64).startswith(b"* OK")
    except OSError:
        return False


def _log(root):
    path = root / "dovecot.log"
    return path.read_text(errors="replace")[-4000:] if path.exists() else "(no log)"


def _stop(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    try:  # any child the master left behind is in its own process group
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


@pytest.fixture(scope="session")
def dovecot_server():
    """(host, port, mail directory) of a private dovecot, running for the whole session."""
    binary = find_dovecot()
    if binary is None:
        pytest.fail(INSTALL_HINT, pytrace=False)
    # a short path under /tmp: unix socket paths are limited to 108 bytes, and dovecot's
    # unprivileged processes must be able to reach the directory (pytest's tmp is 0700)
    root = Path(tempfile.mkdtemp(prefix="vp-dovecot-"))
    root.chmod(0o755)
    port = free_port()
    config, mail = write_config(root, port)
    output_path = root / "stdout.log"
    with open(output_path, "wb") as output:
        process = subprocess.Popen([binary, "-F", "-c", str(config)], stdin=subprocess.DEVNULL,
                                   stdout=output, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _greets(port):
            if process.poll() is not None:
                output = output_path.read_text(errors="replace")
                pytest.fail(f"dovecot exited with {process.returncode}:\n{output}\n{_log(root)}",
                            pytrace=False)
            if time.monotonic() > deadline:
                pytest.fail(f"dovecot did not answer on {HOST}:{port} within {START_TIMEOUT} s:\n"
                            f"{_log(root)}", pytrace=False)
            time.sleep(0.1)
        yield HOST, port, mail
    finally:
        _stop(process)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def imap_server(dovecot_server):
    """A fresh account (empty INBOX) on the session's dovecot."""
    host, port, mail = dovecot_server
    user = f"u{uuid.uuid4().hex[:12]}"
    return ImapServer(host, port, user, PASSWORD, mail / user)


def connect(server):
    connection = imaplib.IMAP4(server.host, server.port, timeout=10)
    connection.login(server.user, server.password)
    return connection


def append(server, raw, mailbox="INBOX"):
    """Deliver one message by IMAP APPEND; its UID (from the server's APPENDUID answer)."""
    connection = connect(server)
    try:
        typ, data = connection.append(f'"{mailbox}"', None, None, raw)
        assert typ == "OK", data
        match = re.search(rb"APPENDUID \d+ (\d+)", data[0])
        assert match, f"no APPENDUID in {data!r}"
        return int(match.group(1))
    finally:
        connection.logout()


def create_mailbox(server, mailbox):
    connection = connect(server)
    try:
        typ, data = connection.create(f'"{mailbox}"')
        assert typ == "OK", data
    finally:
        connection.logout()


def delete_mailbox(server, mailbox):
    connection = connect(server)
    try:
        typ, data = connection.delete(f'"{mailbox}"')
        assert typ == "OK", data
    finally:
        connection.logout()
