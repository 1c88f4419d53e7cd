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


def demo_sign_in(page, base_url: str, username: str) -> None:
    """Sign a demo person in through the real form in Playwright (with the
    authenticator step for staff) and wait until she has landed on her home."""
    from demo.people import DEMO_PASSWORD
    from tests.support.mfa import browser_complete_totp

    page.goto(base_url + "/uz/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    browser_complete_totp(page, base_url)
    page.wait_for_url(base_url + home_path(username))
