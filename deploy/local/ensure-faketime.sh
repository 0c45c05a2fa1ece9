#!/usr/bin/env bash
# Make sure libfaketime's `faketime` command is installed: `make test-dates` runs the unit and
# integration layers again with the clock set to a year boundary and to Tết, to prove the suite
# passes on any date. Installs Debian's faketime with apt-get when it is missing (make test, CI:
# as root).
set -euo pipefail

probe_faketime() {
  # the library really loads: a date far from today comes back
  [ "$(faketime '2001-02-03 04:05:06' date -u +%Y 2>/dev/null)" = "2001" ]
}

if command -v faketime >/dev/null 2>&1; then
  if probe_faketime; then
    echo "faketime is installed: $(command -v faketime)"
    exit 0
  fi
  echo "faketime is installed but does not fake the clock here (is libfaketime missing?)" >&2
fi

if ! command -v apt-get >/dev/null 2>&1; then
  cat >&2 <<'MSG'
faketime (libfaketime) is not installed and apt-get is not available here.
`make test-dates` runs the tests with a faked clock through it. Install it with this
system's package manager, for example:
  dnf install libfaketime     (Fedora, RHEL)
  apk add libfaketime         (Alpine)
  brew install libfaketime    (macOS)
then run the tests again.
MSG
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "faketime is not installed; installing it needs root: apt-get install faketime" >&2
    exit 1
  fi
fi

echo "faketime is not installed: installing faketime (libfaketime) with apt-get"
export DEBIAN_FRONTEND=noninteractive
if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends faketime; }; then
  echo "apt-get could not install faketime; install it by hand and run the tests again" >&2
  exit 1
fi

if ! probe_faketime; then
  echo "faketime was installed but does not fake the clock (faketime '2001-02-03' date)" >&2
  exit 1
fi
echo "faketime is installed: $(command -v faketime)"
