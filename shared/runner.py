"""Run one service as its own process: ``python -m shared.runner intake``.

Monkey-patches first, migrates the service's database, declares the suite's queues, then
hands over to nameko's runner (which stops cleanly on SIGTERM).
"""
import eventlet

eventlet.monkey_patch()  # noqa: E402  must precede every other import

import argparse  # noqa: E402
import logging  # noqa: E402
import sys  # noqa: E402

from nameko.cli.run import run  # noqa: E402

from shared import migrations, plugins, topology  # noqa: E402
from shared.config import load_config  # noqa: E402

log = logging.getLogger("vanphong.runner")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m shared.runner")
    parser.add_argument("service", choices=plugins.names(plugins.SERVICES_GROUP))
    args = parser.parse_args(argv)
    config = load_config(args.service)
    logging.basicConfig(
        level=config.get("LOG_LEVEL", "INFO"), stream=sys.stdout,
        format=f"%(asctime)s %(levelname)s {args.service} %(name)s: %(message)s")
    logging.getLogger("nameko").setLevel(logging.WARNING)
    # nameko logs errors it was told to expect (our VanphongError) with a traceback at WARNING:
    # they are answers to callers, not faults; real faults still log at ERROR.
    logging.getLogger("nameko.containers").setLevel(logging.ERROR)
    service_cls = plugins.service_class(args.service)
    migrations.upgrade(service_cls, config["DB_URL"])
    declared = topology.declare_suite(config)
    log.info("declared %d handler queues; starting %s", len(declared), args.service)
    run([service_cls], config)


if __name__ == "__main__":
    main()
