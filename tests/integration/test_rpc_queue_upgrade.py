"""An earlier release's classic request queue meets this release's quorum one (real broker)."""
import pytest
from kombu import Connection, Exchange, Queue

from shared.broker_admin import BrokerAdmin
from shared.entrypoints import declare_rpc_queue
from tests.conftest import wait_for

pytestmark = pytest.mark.integration


def classic_request_queue(config, pending=0):
    with Connection(config["AMQP_URI"]) as connection:
        exchange = Exchange("nameko-rpc", type="topic", durable=True)
        Queue("rpc-intake", exchange=exchange, routing_key="intake.*",
              durable=True)(connection.default_channel).declare()
        for _ in range(pending):
            connection.Producer().publish({"args": [], "kwargs": {}}, exchange=exchange,
                                          routing_key="intake.health", serializer="json")


def test_an_empty_classic_request_queue_is_replaced_by_the_quorum_one(rabbit_config):
    classic_request_queue(rabbit_config)
    declare_rpc_queue(rabbit_config, "intake")
    arguments = BrokerAdmin.from_config(rabbit_config).queue("rpc-intake")["arguments"]
    assert arguments["x-queue-type"] == "quorum" and arguments["x-delivery-limit"] == 3


def test_a_classic_request_queue_still_holding_requests_stops_the_start_naming_it(rabbit_config):
    classic_request_queue(rabbit_config, pending=2)
    with pytest.raises(RuntimeError, match="rpc-intake is a classic queue .* still holds"):
        declare_rpc_queue(rabbit_config, "intake")
    admin = BrokerAdmin.from_config(rabbit_config)
    wait_for(lambda: admin.queue("rpc-intake").get("messages_ready") == 2,
             message="the two requests still in the classic queue")   # nothing is lost
