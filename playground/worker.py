"""``make worker``: huey's consumer for the email queue, logging as the web app does (a process
of its own, as ``main`` is the web process's).

    python -m playground.worker -w 2 -k thread [--log-config FILE]

It takes every option of huey's ``huey_consumer`` (``-l``, ``-v`` and ``-q`` aside: the logging
config decides), and logs through ``logging.ini`` (JSON lines; a task's lines carry the id of
the request that queued it) instead of huey's own plain handler.
"""

import logging.config
import sys
from pathlib import Path

from huey.consumer_options import ConsumerConfig, OptionParserHandler

from playground.domains.notifications import tasks


def main(argv: list[str] | None = None) -> None:
    parser = OptionParserHandler().get_option_parser()
    parser.add_option(
        "--log-config", default="logging.ini", help="logging config (fileConfig format)"
    )
    options, _ = parser.parse_args(argv)
    values = {key: value for key, value in vars(options).items() if value is not None}
    log_config = Path(values.pop("log_config"))
    if not log_config.is_file():
        parser.error(f"no logging config at {log_config}")
    config = ConsumerConfig(**values)
    config.validate()
    logging.config.fileConfig(log_config, disable_existing_loggers=False)
    tasks.queue.create_consumer(**config.values).run()


if __name__ == "__main__":
    main(sys.argv[1:])
