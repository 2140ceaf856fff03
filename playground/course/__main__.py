"""``python -m playground.course NOTEBOOK...``: refresh notebook outputs (``make notebooks``)."""

import sys

from playground.course.refresh import main

main(sys.argv[1:])
