# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run stop status test test-unit test-integration test-e2e bench broker postgres imap install clean

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

## Every test: unit, integration (real RabbitMQ, SQLite and PostgreSQL), end to end (processes).
test: $(STAMP) broker postgres imap
	$(BIN)/pytest

test-unit: $(STAMP)
	$(BIN)/pytest tests/unit

test-integration: $(STAMP) broker postgres imap
	$(BIN)/pytest tests/integration

test-e2e: $(STAMP) broker
	$(BIN)/pytest tests/e2e

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
