"""Settings for the killed-worker test: the development profile with a django-q2
cluster of one worker on the ORM broker, a short timeout and a short retry, so that a
task whose worker was killed is handed out again within seconds, not 11 minutes."""

from cms.settings.dev import *  # noqa: F403
from cms.settings.dev import Q_CLUSTER

Q_CLUSTER = {
    **{key: value for key, value in Q_CLUSTER.items() if key != "redis"},
    "orm": "default",
    "workers": 1,
    "timeout": 20,
    # As in production, retry exceeds timeout: a live task is never handed out twice.
    "retry": 25,
    "max_attempts": 3,
    "poll": 0.2,
}
