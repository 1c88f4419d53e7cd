"""Every named address of the project is either a page the accessibility test
checks (tests/e2e/test_accessibility.py, PAGES) or exempt below with the reason,
so that a new page cannot go unchecked by being forgotten: its URL name fails this
test until it is added to one or the other.

A plain test, without a browser or a server: it walks the URLconf and resolves the
addresses in PAGES to their URL names.
"""

from urllib.parse import urlsplit

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import translation

from tests.e2e.test_accessibility import PAGES

# Addresses under these beginnings are not the site's pages in five languages, and
# are left out as a whole.
SKIPPED_PREFIXES = {
    # Wagtail's admin (the trainers' and coordinators' reports and analytics are
    # inside it): Wagtail's own markup, in the language each person chose in her
    # admin account rather than one from the address; a desk tool, not a page a
    # learner or client reaches.
    "admin/": "Wagtail admin",
    # Wagtail's document files: downloads, not pages.
    "documents/": "Wagtail documents",
}
# Views of these packages are left out unless PAGES names them: allauth's views
# that a person is sent to (sign-in, sign-up, the staff's authenticator step, the
# password change linked from the profile) are in PAGES; the others are steps
# Ko'mak turns off or never links to (e-mail addresses and their confirmation,
# password reset by e-mail key, reauthentication, managing recovery codes), or
# allauth's twins of Ko'mak's own phone-code pages, which PAGES checks.
SKIPPED_MODULES = ("allauth.",)

# URL names that are not pages to check, each with the reason.
EXEMPT = {
    # Files and data, not pages.
    "videos_ladder_file": "a video segment or playlist file",
    "videos_caption_file": "a captions file (WebVTT)",
    "media_image_rendition": "an image file",
    "service_worker": "the service worker's script",
    "web_manifest": "the web app manifest (JSON)",
    "healthz": "the health check for the load balancer",
    "accounts_data_export": "the person's data as a file to download",
    "learning_cpd_csv": "the CPD hours as a spreadsheet file",
    "certificate_download": "the certificate as a PDF file",
    "consultations_calendar": "a booking as a calendar file (.ics)",
    "learning_progress_record": "JSON endpoint the lesson page posts progress to",
    "learning_progress_detail": "JSON answer with a lesson's progress",
    "consultations_precall_offer": "JSON endpoint of the pre-call check's WebRTC",
    "consultations_precall_result": "JSON endpoint the pre-call check posts to",
    # Actions: a POST that answers with a redirect to a page that PAGES checks.
    "language_set": "POST only: sets the language, then back to the page",
    "accounts_phone_remove": "POST only: removes the number, then the profile",
    "consultations_consent_withdraw": "POST only: then the consent page",
    "consultations_cancel": "POST only: then my appointments",
    "consultations_no_show": "POST only: then the specialist's day",
    "urgent_cancel": "POST only: then the urgent help status page",
    "urgent_take": "POST only: then the list of urgent requests",
    "urgent_close": "POST only: then the list of urgent requests",
    "wellbeing_stop": "POST only: then the client's check-ins",
    # Redirects.
    "home_in_reader_language": "`/`: the home page in the reader's language",
    "learning_lesson_form": (
        "POST only, from a lesson without JavaScript: then the lesson again; its "
        "own page (learning/form_error.html) only answers a form it cannot read"
    ),
    # Wagtail's own pages for pages behind a view restriction.
    "wagtailcore_authenticate_with_password": (
        "Wagtail's password form, for a page a trainer puts behind a shared "
        "password; no page of the site or the demo has one"
    ),
    "wagtailcore_login": (
        "not linked: WAGTAIL_FRONTEND_LOGIN_URL sends a restricted page's reader "
        "to the sign-in page, which PAGES checks"
    ),
}


def named_patterns(patterns, prefix: str = "", namespace: str = ""):
    """(URL name with its namespaces, route, view's module) of every named pattern
    under `patterns`, included URLconfs too."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from named_patterns(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            module = getattr(pattern.callback, "__module__", "") or ""
            yield namespace + pattern.name, route, module


def project_url_names() -> set[str]:
    """The URL names of the site, without the skipped parts (see above)."""
    with translation.override("uz"):
        return {
            name
            for name, route, module in named_patterns(get_resolver().url_patterns)
            if not route.startswith(tuple(SKIPPED_PREFIXES))
            and not module.startswith(SKIPPED_MODULES)
        }


class Placeholders(dict):
    """Stand-in values for PAGES' placeholders: any id resolves the same name."""

    def __missing__(self, key: str) -> str:
        return "1/block" if key.startswith("simulation") else "1"


def checked_url_names() -> dict[str, str]:
    """The URL name of each address in PAGES, by the page's name in PAGES."""
    with translation.override("uz"):
        return {
            name: resolve(
                urlsplit(path.format_map(Placeholders(language="uz"))).path
            ).view_name
            for name, _who, path in PAGES
        }


class AccessibilityCoverageTests:
    def test_every_url_name_is_checked_or_exempt(self):
        checked = set(checked_url_names().values())
        missing = project_url_names() - checked - set(EXEMPT)
        assert not missing, (
            "Add these pages to PAGES in tests/e2e/test_accessibility.py, or to "
            f"EXEMPT here with the reason: {sorted(missing)}"
        )

    def test_exemptions_name_real_urls_that_are_not_checked(self):
        # A stale exemption would hide the page that takes its name later; one
        # that is also checked says two contradicting things.
        names = project_url_names()
        checked = set(checked_url_names().values())
        assert set(EXEMPT) <= names
        assert not set(EXEMPT) & checked

    def test_the_walk_finds_what_is_known_to_be_there(self):
        # Guards the walk itself: an empty or partial walk would pass the first test.
        names = project_url_names()
        assert {
            "consultations_book_time",
            "learning_attempt_take",
            "urgent_help",
            "wellbeing_answer",
            "wagtail_serve",
        } <= names
        assert not any(name.startswith("wagtailadmin") for name in names)
