# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run stop status test test-unit test-integration test-e2e test-dates test-year-end test-tet \
        bench broker postgres imap faketime install clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { \
	  echo "could not create a virtualenv: on Debian, apt-get install python3-venv"; exit 1; }
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

broker:
	@bash deploy/local/ensure-rabbitmq.sh

postgres:
	@bash deploy/local/ensure-postgres.sh

imap:
	@bash deploy/local/ensure-dovecot.sh

faketime:
	@bash deploy/local/ensure-faketime.sh

## Start the whole suite on the embedded defaults (local RabbitMQ, SQLite under var/) and show it working.
run: $(STAMP) broker
	$(BIN)/vanphong up --detach
	$(BIN)/vanphong demo
	@echo
	@echo "The suite is running (logs in var/log/). Try next:"
	@echo "  . $(VENV)/bin/activate"
	@echo "  vanphong status                      # health of each service"
	@echo "  vanphong rpc intake.health '{}'"
	@echo "  export VANPHONG_TOKEN=\$$(vanphong token --office DT-VPHDND --sub clerk1 --roles clerk)"
	@echo "  vanphong rpc intake.receive '{\"document\": {\"subject\": \"V/v họp tổ đại biểu\"}}'"
	@echo "  vanphong queues                      # queue depth, consumers, dead letters"
	@echo "  make stop                            # stop the suite"

stop: $(STAMP)
	$(BIN)/vanphong down

status: $(STAMP)
	$(BIN)/vanphong status

## Every test: unit, integration (real RabbitMQ, SQLite and PostgreSQL), end to end (processes);
## then the unit and integration layers again on two dates that break date code (test-dates).
test: $(STAMP) broker postgres imap faketime
	$(BIN)/pytest
	@$(MAKE) --no-print-directory test-dates

test-unit: $(STAMP)
	$(BIN)/pytest tests/unit

test-integration: $(STAMP) broker postgres imap
	$(BIN)/pytest tests/integration

test-e2e: $(STAMP) broker
	$(BIN)/pytest tests/e2e

# The suite must pass on any date. libfaketime moves pytest's clock (and its children's) to the
# moment given; the clock runs on from there. The servers keep the real time: RabbitMQ and
# PostgreSQL (the suite never mixes their now() with its own), and the tests' dovecot
# (FAKETIME_SKIP_CMDS: its master would be faked while the processes it starts with a clean
# environment are not, and its logins stall). CLOCK_MONOTONIC is shifted by one constant, which
# eventlet, kombu's heartbeats, pytest-timeout and `wait_for` only ever subtract (but an OS
# thread's timed wait, Lock.acquire(timeout=...) or Event.wait(...), never times out then:
# glibc's sem_clockwait is not faked; eventlet's green waits are fine).
# FAKETIME_DONT_FAKE_MONOTONIC must stay unset: with libfaketime 0.9.10 it makes Python 3.11's
# time.sleep() fail with EINVAL (eventlet's idle hub sleeps with it).
# 00:30 on Friday 1/1/2027 (Tết Dương lịch) in Asia/Ho_Chi_Minh, still 31/12/2026 in UTC for
# 6.5 hours (16:30 UTC would be 23:30 in Hà Nội: still 2026 there, and midnight mid-run):
YEAR_END_AT := 2026-12-31 17:30:00 UTC
# 09:00 on Monday 8/2/2027, mùng 3 Tết Đinh Mùi: a weekday the office does not work:
TET_AT := 2027-02-08 02:00:00 UTC
DATED_LAYERS := tests/unit tests/integration
dated_pytest = env -u FAKETIME_DONT_FAKE_MONOTONIC FAKETIME_SKIP_CMDS=dovecot \
    faketime '$(1)' $(BIN)/pytest $(DATED_LAYERS)

## The unit and integration layers with the clock at a year boundary, then during Tết.
test-dates: test-year-end test-tet

test-year-end: $(STAMP) broker postgres imap faketime
	@echo "== unit and integration tests on $(YEAR_END_AT) (the year has turned in Asia/Ho_Chi_Minh)"
	$(call dated_pytest,$(YEAR_END_AT))

test-tet: $(STAMP) broker postgres imap faketime
	@echo "== unit and integration tests on $(TET_AT) (Tết 2027: not a working day)"
	$(call dated_pytest,$(TET_AT))

## Figures, printed (never asserted); needs PostgreSQL too. One bench: $(BIN)/python bench/<name>.py
bench: $(STAMP) broker postgres
	$(BIN)/python bench/rpc_overhead.py
	$(BIN)/python bench/intake_bench.py
	$(BIN)/python bench/tasks_bench.py
	$(BIN)/python bench/notify_bench.py
	$(BIN)/python bench/evaluation_bench.py

clean:
	-$(BIN)/vanphong down
	rm -rf var
