"""The learner's commands: a workspace of their own, updates that keep their answers, progress.

Pure Python on any OS (``python -m course lab|update|reset|progress``); they import nothing else
of the harness: progress runs each lesson in a kernel of its own.
"""
