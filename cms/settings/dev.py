"""Development settings: what `make run` uses on a developer's machine.

DEBUG is off here too, unless DJANGO_DEBUG=1: a wrong address or a missing
certificate shows the site's own 404 and 500 pages in the reader's language, as
people will see them, not Django's English debug page. Static files are served by
WhiteNoise from STATIC_ROOT (`make run` collects them first) and uploads by the
views of core/media.py, with DEBUG on or off.
"""

from .base import *  # noqa: F403

SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-do-not-use-in-production"  # noqa: F405, S105
