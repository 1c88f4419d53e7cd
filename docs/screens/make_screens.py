"""Screenshots of every main screen of a running Ko'mak demo, as a phone shows them.

    .venv/bin/python -m docs.screens.make_screens [--base-url http://127.0.0.1:8000]

Without `--base-url` (`make screens`) it starts a fresh demo of its own, as the
browser tests do (tests/support/live.py), with a talk to come between the demo
client and specialist, so that the pictures do not depend on a developer's
database. Each demo person signs in through the
real form, the staff with the demo authenticator code, and each screen in `SCREENS`
is saved as a 360 × 740 PNG in `--out` (docs/screens/ by default), together with
README.md, the page that lists them. The pictures are made from the site itself, so
they stay true; CI runs this against a fresh demo (tests/e2e/test_screens.py).
"""

import argparse
import base64
import hashlib
import hmac
import shutil
import struct
import sys
import time
from dataclasses import dataclass
from pathlib import Path

# Plain data (no Django settings needed): the demo's password and authenticator key.
from demo.people import DEMO_PASSWORD, DEMO_TOTP_SECRET

PHONE = {"width": 360, "height": 740}
OUT = Path(__file__).resolve().parent
# Our own drawings and screens are flat: 256 colours keep each PNG small.
COLOURS = 256
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-dev-shm-usage",
    # The pre-call check asks for the camera and microphone: a test pattern answers.
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
]
TOTP_PERIOD = 30
SIGN_IN = "/uz/accounts/login/"
TOTP_PAGE = "/uz/accounts/2fa/authenticate/"


@dataclass(frozen=True)
class Screen:
    """One picture: who looks (None: nobody signed in), where, and what it shows.

    `path` is a path on the site, or a CSS selector of a link (`link:` prefix) on the
    previous screen of the same person, for screens whose address holds an id.
    `focus` scrolls that element to the top before the picture is taken."""

    name: str
    person: str | None
    path: str
    shows: str
    focus: str = ""


SCREENS = [
    Screen("home", None, "/uz/", "The home page before signing in."),
    Screen("sign-in", None, SIGN_IN, "Signing in with a phone number or a name."),
    Screen(
        "course-list",
        None,
        "/uz/kurslar/",
        "The course list: each course with its picture, words and time.",
    ),
    Screen(
        "course",
        None,
        "/uz/kurslar/smartfon-asoslari/",
        "A course: its picture, what it teaches and its lessons.",
    ),
    Screen(
        "certificate-check",
        None,
        "/uz/certificates/",
        "Checking a certificate by its code, without an account.",
    ),
    Screen(
        "my-learning",
        "learner",
        "/uz/learning/my/",
        "A learner's home: where to continue and her courses.",
    ),
    Screen(
        "lesson",
        "learner",
        "/uz/kurslar/smartfon-asoslari/qongiroq-va-kontaktlar/",
        "A lesson as it opens: its title, the read-aloud button and the first words.",
    ),
    Screen(
        "lesson-step-picture",
        "learner",
        "/uz/kurslar/smartfon-asoslari/qongiroq-va-kontaktlar/",
        "A numbered step with its picture: press the green button to answer.",
        focus=".step:has(.step-picture)",
    ),
    Screen(
        "lesson-simulation",
        "learner",
        "/uz/kurslar/firibgarlardan-saqlaning/soxta-bank-qongiroqlari/",
        "A lesson's practice simulation: the invitation to try a fake bank call.",
        focus=".simulation-card",
    ),
    Screen(
        "simulation",
        "learner",
        "link:.simulation-card a.button",
        "The simulation's first screen: a caller who says he is from the bank.",
    ),
    Screen(
        "client-home",
        "client",
        "/uz/consultations/home/",
        "A client's home: her next talk with Join, Check my connection and Book.",
    ),
    Screen(
        "pre-call-check",
        "client",
        "link:#next-talk [data-action=check]",
        "The check before a talk: camera, microphone and connection.",
    ),
    Screen(
        "book",
        "client",
        "/uz/consultations/book/",
        "Booking a talk: first what it is about.",
    ),
    Screen(
        "appointments",
        "client",
        "/uz/consultations/appointments/",
        "A client's appointments, to join, move or cancel.",
    ),
    Screen(
        "specialist-today",
        "specialist",
        "/uz/consultations/today/",
        "A specialist's day: sessions, who waits in the room, notes.",
    ),
    Screen(
        "social-worker-programs",
        "socialworker",
        "/uz/learning/programs/",
        "A social worker's programs, deadlines and certificates.",
    ),
    Screen(
        "trainer-dashboard",
        "trainer",
        "/admin/",
        "The admin dashboard a trainer lands on: courses to review, cohorts, reports.",
    ),
]
STAFF = {"specialist", "trainer", "coordinator", "admin"}


def totp_code(secret: str, *, step_offset: int = 0) -> str:
    """The six digits an authenticator app shows (RFC 6238: HMAC-SHA1, 30 s)."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int(time.time()) // TOTP_PERIOD + step_offset
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def sign_in(page, base_url: str, username: str) -> None:
    """Through the real form; a staff member then gives the authenticator code
    (one code is taken once per person, so the neighbouring steps' codes follow)."""
    page.goto(base_url + SIGN_IN)
    page.fill("#id_login", username)
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    for step_offset in (0, 1, -1):
        if not page.url.startswith(base_url + TOTP_PAGE):
            return
        page.fill(
            "input[name=code]", totp_code(DEMO_TOTP_SECRET, step_offset=step_offset)
        )
        with page.expect_navigation():
            page.click("form.form button[type=submit] >> nth=0")
    if page.url.startswith(base_url + TOTP_PAGE) or page.url.endswith(SIGN_IN):
        raise RuntimeError(f"{username} could not sign in")


def picture_save(png: bytes, path: Path) -> None:
    """The screenshot with at most 256 colours, optimised (Pillow)."""
    import io

    from PIL import Image

    with Image.open(io.BytesIO(png)) as shot:
        small = shot.convert("RGB").quantize(colors=COLOURS)
        small.save(path, format="PNG", optimize=True)


def screen_take(page, base_url: str, screen: Screen, out: Path) -> Path:
    if screen.path.startswith("link:"):
        link = page.locator(screen.path.removeprefix("link:")).first
        href = link.get_attribute("href")
        if not href:
            raise RuntimeError(f"{screen.name}: no link {screen.path} on {page.url}")
        page.goto(base_url + href if href.startswith("/") else href)
    else:
        page.goto(base_url + screen.path)
    page.wait_for_load_state("networkidle")
    if screen.focus:
        page.locator(screen.focus).first.evaluate(
            "element => element.scrollIntoView({block: 'start'})"
        )
    # Let scripts that fill the page in (progress, checks) settle, caret hidden.
    page.wait_for_timeout(500)
    path = out / f"{screen.name}.png"
    picture_save(page.screenshot(caret="hide", animations="disabled"), path)
    return path


def readme_text() -> str:
    lines = [
        "# Ko'mak's main screens",
        "",
        "Each screen as a 360 × 740 phone shows it, in Uzbek, made from a running",
        "demo by `make screens` (docs/screens/make_screens.py); CI makes them again",
        "on every run (tests/e2e/test_screens.py). Do not edit them by hand.",
        "",
    ]
    for screen in SCREENS:
        who = f"signed in as `{screen.person}`" if screen.person else "not signed in"
        lines.append(f"- `{screen.name}.png` ({who}): {screen.shows}")
    lines += ["", "## The pictures", ""]
    for screen in SCREENS:
        lines += [f"![{screen.shows}]({screen.name}.png)", ""]
    return "\n".join(lines)


def make_screens(*, base_url: str, out: Path, chromium: str | None) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    base_url = base_url.rstrip("/")
    made = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=CHROMIUM_ARGS
        )
        try:
            people: dict[str | None, object] = {}
            for screen in SCREENS:
                if screen.person not in people:
                    context = browser.new_context(
                        viewport=PHONE, device_scale_factor=1, locale="uz-UZ"
                    )
                    context.grant_permissions(["camera", "microphone"])
                    page = context.new_page()
                    if screen.person:
                        sign_in(page, base_url, screen.person)
                    people[screen.person] = page
                made.append(screen_take(people[screen.person], base_url, screen, out))
        finally:
            browser.close()
    (out / "README.md").write_text(readme_text(), encoding="utf-8")
    return made


def fresh_demo_screens(*, out: Path, chromium: str | None) -> list[Path]:
    """The screens of a freshly seeded demo on a free port, stopped afterwards."""
    from tests.support.bookings import joinable_booking_id
    from tests.support.live import LiveServer

    with LiveServer() as server:
        joinable_booking_id(server)
        return make_screens(base_url=server.url, out=out, chromium=chromium)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--base-url",
        help="A running demo (default: start a fresh one for these pictures).",
    )
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument(
        "--chromium",
        default=shutil.which("chromium") or shutil.which("chromium-browser"),
        help="Chromium to drive (default: the one on PATH).",
    )
    options = parser.parse_args(argv)
    if options.base_url:
        made = make_screens(
            base_url=options.base_url, out=options.out, chromium=options.chromium
        )
    else:
        made = fresh_demo_screens(out=options.out, chromium=options.chromium)
    for path in made:
        print(f"{path} ({path.stat().st_size // 1024} KB)")  # noqa: T201 - a CLI
    return 0


if __name__ == "__main__":
    sys.exit(main())
