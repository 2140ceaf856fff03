"""``make worker``: ``huey_consumer playground.domains.notifications.worker.queue``.

The consumer imports this module: the queue comes from the environment (``.env``), as the web
app's does. The web app never imports it.
"""

from playground.domains.notifications.config import load_notifications_config
from playground.domains.notifications.tasks import make_queue

queue = make_queue(load_notifications_config()).huey
