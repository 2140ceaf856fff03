"""``python -m course``: the learner's commands (see :mod:`course.learner.cli`)."""

import sys

from course.learner.cli import main

sys.exit(main())
