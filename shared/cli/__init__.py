"""`vanphong`: the suite's command line."""
import warnings

warnings.filterwarnings("ignore", message=r"(?s).*Eventlet is deprecated")

import eventlet  # noqa: E402

eventlet.monkey_patch()  # noqa: E402  the standalone RPC client runs on eventlet

import logging  # noqa: E402

import click  # noqa: E402

from shared.cli.attachment import attachment  # noqa: E402
from shared.cli.calls import rpc_command, token_command  # noqa: E402
from shared.cli.demo import demo  # noqa: E402
from shared.cli.eval import eval_group  # noqa: E402
from shared.cli.ingest import ingest  # noqa: E402
from shared.cli.notify import notify  # noqa: E402
from shared.cli.register import register  # noqa: E402
from shared.cli.queues import broker_permissions, queues  # noqa: E402
from shared.cli.suite import down, status, up  # noqa: E402
from shared.cli.tasks import tasks  # noqa: E402


# py-amqp warns about confirms that arrive while a timed-out proxy closes its channel
logging.getLogger("amqp").setLevel(logging.ERROR)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main():
    """Văn phòng: intake, tasks, evaluation and notify services on RabbitMQ."""


for command in (up, down, status, rpc_command, token_command, queues, demo, ingest,
                register, tasks, eval_group, broker_permissions):
    main.add_command(command)
main.add_command(notify)
main.add_command(attachment)
