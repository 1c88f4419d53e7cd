"""Settings for the task-queue fault tests: the development profile with a django-q2
cluster of one worker, whose broker (ORM, or Redis when REDIS_URL is set), timeout
and retry come from the environment, so that a killed task comes back in seconds.
The cluster's name is given too, so that a run on a shared Redis meets no other
run's tasks."""

import os

from cms.settings.dev import *  # noqa: F403
from cms.settings.dev import Q_CLUSTER, REDIS_URL

Q_CLUSTER = {
    **{key: value for key, value in Q_CLUSTER.items() if key not in {"redis", "orm"}},
    **({"redis": REDIS_URL} if REDIS_URL else {"orm": "default"}),
    "name": os.environ.get("KOMAK_TEST_Q_NAME", "komak"),
    "workers": 1,
    "timeout": int(os.environ["KOMAK_TEST_Q_TIMEOUT"]),
    # As in production, retry exceeds timeout: a live task is never handed out twice.
    "retry": int(os.environ["KOMAK_TEST_Q_TIMEOUT"]) + 1,
    "max_attempts": 3,
    "poll": 0.2,
}
VIDEO_STALLED_GRACE_SECONDS = 1
