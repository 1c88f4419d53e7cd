"""Where each demo person lands after signing in (accounts/homes.py), for browser
tests that sign in and wait for the landing page. In Uzbek, as the tests sign in."""

ADMIN = "/admin/"
DEMO_HOMES = {
    "learner": "/uz/learning/my/",
    "client": "/uz/consultations/home/",
    "specialist": "/uz/consultations/today/",
    "socialworker": "/uz/learning/programs/",
    "trainer": ADMIN,
    "coordinator": ADMIN,
    "admin": ADMIN,  # seed_demo's superuser
}
NEW_LEARNER_HOME = DEMO_HOMES["learner"]


def home_path(username: str) -> str:
    """The demo person's home; any other name is a new learner's."""
    return DEMO_HOMES.get(username, NEW_LEARNER_HOME)
