#!/usr/bin/env bash
# Make sure a RabbitMQ with the management and Prometheus plugins answers on this machine.
# Starts a local one that is installed but stopped; otherwise says exactly how to get one.
set -euo pipefail
HOST=${RABBIT_HOST:-127.0.0.1}

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

if ! port_open 5672; then
  if command -v rabbitmq-server >/dev/null 2>&1; then
    echo "RabbitMQ is installed but not running: starting it (rabbitmq-server -detached)"
    rabbitmq-server -detached >/dev/null 2>&1 || true
    for _ in $(seq 1 60); do port_open 5672 && break; sleep 1; done
  fi
fi
if ! port_open 5672; then
  cat >&2 <<MSG
No RabbitMQ answers on $HOST:5672. Get one with either:
  sudo apt-get install rabbitmq-server        (Debian/Ubuntu; then run make again)
  docker compose -f deploy/docker-compose.yml up -d rabbitmq
MSG
  exit 1
fi
if command -v rabbitmq-plugins >/dev/null 2>&1 && ! port_open 15672; then
  echo "enabling the management and Prometheus plugins"
  rabbitmq-plugins enable rabbitmq_management rabbitmq_prometheus >/dev/null
  for _ in $(seq 1 30); do port_open 15672 && break; sleep 1; done
fi
if ! port_open 15672; then
  echo "warning: the management API (port 15672) is off; 'vanphong queues' needs it:" >&2
  echo "  rabbitmq-plugins enable rabbitmq_management rabbitmq_prometheus" >&2
fi
echo "RabbitMQ is up on $HOST:5672"
