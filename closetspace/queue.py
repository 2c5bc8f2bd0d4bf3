"""Sending work to Celery without ever failing the request that asked for it."""

import logging

from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def enqueue(task, *args):
    """Send `task` to the broker; if the broker is down, log it and return False.

    The row that asked for the work stays pending, and the periodic sweeps
    (`embed_stale_items`, `embed_stale`) send it again once the broker is back.
    """
    try:
        task.delay(*args)
    except OperationalError as exc:
        logger.warning("broker unavailable, %s%r left for the sweep: %s", task.name, args, exc)
        return False
    return True
