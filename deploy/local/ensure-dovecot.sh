#!/usr/bin/env bash
# Make sure dovecot (IMAP server) is installed: the tests of the email channel start a private
# one of their own (tests/support/dovecot.py) on a free port; no system service is needed.
# Installs Debian's dovecot-imapd with apt-get when it is missing (make test, CI: as root).
set -euo pipefail

find_dovecot() {
  command -v dovecot 2>/dev/null && return 0
  for candidate in /usr/sbin/dovecot /usr/local/sbin/dovecot; do
    [ -x "$candidate" ] && { echo "$candidate"; return 0; }
  done
  return 1
}

if binary=$(find_dovecot); then
  echo "dovecot is installed: $binary ($("$binary" --version 2>/dev/null || echo 'version unknown'))"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  cat >&2 <<'MSG'
dovecot (IMAP server) is not installed and apt-get is not available here.
The email-channel tests need the dovecot binary (they start their own private server).
Install it with this system's package manager, for example:
  dnf install dovecot        (Fedora, RHEL)
  apk add dovecot            (Alpine)
  brew install dovecot       (macOS)
then run the tests again.
MSG
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "dovecot is not installed; installing it needs root: apt-get install dovecot-imapd" >&2
    exit 1
  fi
fi

echo "dovecot is not installed: installing dovecot-imapd with apt-get"
export DEBIAN_FRONTEND=noninteractive
if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends dovecot-imapd; }; then
  echo "apt-get could not install dovecot-imapd; install it by hand and run the tests again" >&2
  exit 1
fi

if ! binary=$(find_dovecot); then
  echo "dovecot-imapd was installed but no dovecot binary was found" >&2
  exit 1
fi
echo "dovecot is installed: $binary ($("$binary" --version))"
echo "(the tests do not use the system service; 'systemctl disable --now dovecot' turns it off)"
