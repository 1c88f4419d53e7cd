# ruff: noqa: E501 - one row per line is the point of this table.
"""Who may see what: the expected answer of every URL and WebSocket route to every
role, as one table (issue 7). `test_access_matrix.py` checks it.

One row is one line: the URL pattern as Django's resolver spells it (the routes of
nested `include()`s joined; the language prefix of `i18n_patterns` left out, the
URLs tried are in Uzbek, /uz/...), a concrete URL to try (`{booking}` and the like are
filled from the test's world, see `World`), then the answer for each role in the
order of `ROLES`:

    anonymous, learner, client, other client, specialist, other specialist,
    trainer, coordinator

Answers: an HTTP status (200, 403, 404, 405), `LOGIN` (a 302 to the sign-in page,
or, for a visitor's page visit, the sign-in page shown in its place:
accounts/sign_in_here.py), `AWAY` (302 anywhere else); for WebSockets `ACCEPT` or the
close code (4403).

`Group` rows cover every pattern under a prefix with representative URLs: Wagtail's
admin (hundreds of patterns, one permission system) and Wagtail's document and
privacy views. Every other pattern needs its own `Row`; a pattern with no row fails
the test with its name, and so does a row whose pattern no longer exists.
"""

from dataclasses import dataclass

ROLES = (
    "anonymous",
    "learner",
    "client",
    "other_client",
    "specialist",
    "other_specialist",
    "trainer",
    "coordinator",
)
LOGIN = "login"
AWAY = "away"
ACCEPT = "accept"


@dataclass(frozen=True)
class Row:
    """The answers of one URL pattern, tried at one concrete URL with GET."""

    pattern: str
    url: str
    answers: tuple

    def covers(self, pattern: str) -> bool:
        return pattern == self.pattern


@dataclass(frozen=True)
class Group:
    """Every pattern under `prefix`, tried at a representative URL."""

    prefix: str
    url: str
    answers: tuple

    def covers(self, pattern: str) -> bool:
        return pattern.startswith(self.prefix)


def row(pattern: str, url: str, *answers) -> Row:
    return Row(pattern, url, answers)


def group(prefix: str, url: str, *answers) -> Group:
    return Group(prefix, url, answers)


# fmt: off
# pattern, URL, then: anonymous, learner, client, other client, specialist,
# other specialist, trainer, coordinator
HTTP = [
    # Wagtail's pages: the site itself is public; a missing page is 404.
    # `/` answers with the home page in the reader's language, no redirect (issue 14).
    row("", "/", 200, 200, 200, 200, 200, 200, 200, 200),
    row(r"^((?:[\w\-]+/)*)$", "/uz/", 200, 200, 200, 200, 200, 200, 200, 200),
    row(r"^((?:[\w\-]+/)*)$", "{course_url}", 200, 200, 200, 200, 200, 200, 200, 200),
    row(r"^((?:[\w\-]+/)*)$", "{lesson_url}", 200, 200, 200, 200, 200, 200, 200, 200),
    row(r"^((?:[\w\-]+/)*)$", "{draft_lesson_url}", 404, 404, 404, 404, 404, 404, 404, 404),
    row(r"^((?:[\w\-]+/)*)$", "/uz/no-such-page/", 404, 404, 404, 404, 404, 404, 404, 404),
    row("search/", "/uz/search/?q=telefon", 200, 200, 200, 200, 200, 200, 200, 200),
    row("healthz", "/healthz", 200, 200, 200, 200, 200, 200, 200, 200),
    # The help page and the web app manifest (cms/manifest.py): the same for everyone.
    row("help/", "/uz/help/", 200, 200, 200, 200, 200, 200, 200, 200),
    row("manifest.webmanifest", "/uz/manifest.webmanifest", 200, 200, 200, 200, 200, 200, 200, 200),
    # Offline lessons (docs/offline.md): the service worker and the offline page are
    # the same for everyone (the worker keeps a visitor's copy of the page).
    row("sw.js", "/sw.js", 200, 200, 200, 200, 200, 200, 200, 200),
    row("offline/", "/uz/offline/", 200, 200, 200, 200, 200, 200, 200, 200),
    # Wagtail's password and login pages for private pages and documents.
    group("_util/", "/uz/_util/login/", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),
    group("_util/", "/uz/_util/authenticate_with_password/999/999/", 404, 404, 404, 404, 404, 404, 404, 404),
    group("documents/", "/documents/999/missing.pdf", 404, 404, 404, 404, 404, 404, 404, 404),
    group("documents/", "/documents/authenticate_with_password/999/", 404, 404, 404, 404, 404, 404, 404, 404),
    # Wagtail's admin: trainers and coordinators only (docs/architecture.md); Wagtail
    # sends anyone else to sign in as someone who may.
    group("admin/", "/admin/", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    group("admin/", "/admin/pages/{course_index}/", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    group("admin/", "/admin/pages/{lesson}/edit/", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    group("admin/", "/admin/pages/{home}/edit/", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, AWAY, 200),
    group("admin/", "/admin/images/", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    group("admin/", "/admin/documents/", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    group("admin/", "/admin/users/", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, AWAY, AWAY),
    group("admin/", "/admin/groups/", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, AWAY, AWAY),
    group("admin/", "/admin/workflows/list/", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, AWAY, AWAY),
    group("admin/", "/admin/reports/site-history/", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    group("admin/", "/admin/api/main/pages/", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    # The consultations admin: coordinators keep specialists, their hours and the
    # consent terms; there is no screen for bookings, consent records or notes.
    group("admin/", "/admin/consultations_specialists/", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, AWAY, 200),
    group("admin/", "/admin/consultations_weekly_hours/", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, AWAY, 200),
    group("admin/", "/admin/consultations_time_off/", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, AWAY, 200),
    group("admin/", "/admin/consultations_consent_terms/", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, AWAY, 200),
    # The training admin (docs/privacy.md, "Who sees whom"): the trainer runs
    # {program}, whose {cohort} holds {member}; {other_cohort} and {outsider} belong
    # to a program she does not run; the client ({client_id}) has lessons done, an
    # enrolment in {program} outside any cohort and a certificate; {stranger} is a
    # learner. Anyone a reader may not see is a 404, as if she did not exist.
    # None of these answers, nor any other admin answer, may name a consultation
    # client, to any role: `AdminNamesNoClientTests` reads every admin row's body.
    row("admin/training/reports/completion/", "/admin/training/reports/completion/", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row("admin/training/reports/completion/", "/admin/training/reports/completion/?export=csv", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row("admin/training/reports/completion/", "/admin/training/reports/completion/?export=xlsx", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row("admin/training/reports/completion/results/", "/admin/training/reports/completion/results/", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row("admin/training/reports/learners/", "/admin/training/reports/learners/", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row("admin/training/reports/learners/", "/admin/training/reports/learners/?export=csv", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row("admin/training/reports/learners/", "/admin/training/reports/learners/?export=xlsx&program={program}", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row("admin/training/reports/learners/results/", "/admin/training/reports/learners/results/?program={program}", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row("admin/training/reports/overdue/", "/admin/training/reports/overdue/", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row("admin/training/reports/overdue/", "/admin/training/reports/overdue/?export=csv", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row("admin/training/reports/overdue/results/", "/admin/training/reports/overdue/results/", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row("admin/training/reports/certificates/", "/admin/training/reports/certificates/", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row("admin/training/reports/certificates/", "/admin/training/reports/certificates/?export=csv", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row("admin/training/reports/certificates/", "/admin/training/reports/certificates/?export=xlsx", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    # A social worker records help with a lesson (issue 15): social workers only;
    # none of these roles is one.
    row("learning/help-given/", "/uz/learning/help-given/", LOGIN, 403, 403, 403, 403, 403, 403, 403),
    # The needs analytics (issue 15): coordinators only; Wagtail sends anyone else with
    # admin access back to the admin's home.
    row("admin/needs-analytics/", "/admin/needs-analytics/", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, AWAY, 200),
    row("admin/needs-analytics/<slug:key>.csv", "/admin/needs-analytics/no_such_table.csv", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, AWAY, 404),
    row("admin/training/reports/certificates/results/", "/admin/training/reports/certificates/results/", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row("admin/training/reports/simulations/", "/admin/training/reports/simulations/", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row("admin/training/reports/simulations/", "/admin/training/reports/simulations/?export=csv", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row("admin/training/learners/<int:user_id>/", "/admin/training/learners/{member}/", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row("admin/training/learners/<int:user_id>/", "/admin/training/learners/{outsider}/", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 404, 200),
    row("admin/training/learners/<int:user_id>/", "/admin/training/learners/{client_id}/", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 404, 404),
    row("admin/training/learners/<int:user_id>/", "/admin/training/learners/{stranger}/", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 404, 404),
    row("admin/training/cohorts/<int:cohort_id>/members/", "/admin/training/cohorts/{cohort}/members/", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row("admin/training/cohorts/<int:cohort_id>/members/", "/admin/training/cohorts/{other_cohort}/members/", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 404, 200),
    row("admin/training/certificates/<str:code>/", "/admin/training/certificates/{member_certificate}/", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row("admin/training/certificates/<str:code>/", "/admin/training/certificates/{client_certificate}/", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 404, 404),
    row("admin/snippets/learning/program/", "/admin/snippets/learning/program/", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row("admin/snippets/learning/program/add/", "/admin/snippets/learning/program/add/", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row("admin/snippets/learning/program/edit/<int:pk>/", "/admin/snippets/learning/program/edit/{program}/", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row("admin/snippets/learning/program/history/<int:pk>/", "/admin/snippets/learning/program/history/{program}/", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row("admin/snippets/learning/cohort/", "/admin/snippets/learning/cohort/", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row("admin/snippets/learning/cohort/add/", "/admin/snippets/learning/cohort/add/", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row("admin/snippets/learning/cohort/edit/<int:pk>/", "/admin/snippets/learning/cohort/edit/{cohort}/", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row("admin/users/", "/admin/users/", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, AWAY, AWAY),
    row("admin/users/results/", "/admin/users/results/?q=maxfiy", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, AWAY, AWAY),
    row("admin/users/edit/<int:pk>/", "/admin/users/edit/{client_id}/", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, AWAY, AWAY),
    row("admin/audit/", "/admin/audit/", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, AWAY, 200),
    row("admin/audit/results/", "/admin/audit/results/", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, AWAY, 200),
    # Who is behind a pseudonym: administrators (superusers) alone; the refusal comes
    # before the record is looked up, and is itself recorded.
    row("admin/audit/reveal/<int:pk>/", "/admin/audit/reveal/1/", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 403, 403),
    # Sign-in, sign-up and the second factor (allauth), and the profile.
    row("accounts/login/", "/uz/accounts/login/", 200, AWAY, AWAY, AWAY, AWAY, AWAY, AWAY, AWAY),
    row("accounts/logout/", "/uz/accounts/logout/", AWAY, 200, 200, 200, 200, 200, 200, 200),
    row("accounts/inactive/", "/uz/accounts/inactive/", 200, 200, 200, 200, 200, 200, 200, 200),
    row("accounts/signup/", "/uz/accounts/signup/", 200, AWAY, AWAY, AWAY, AWAY, AWAY, AWAY, AWAY),
    row("accounts/reauthenticate/", "/uz/accounts/reauthenticate/", LOGIN, 200, 200, 200, 200, 200, 200, 200),
    row("accounts/reauthenticate/code/", "/uz/accounts/reauthenticate/code/", LOGIN, AWAY, AWAY, AWAY, AWAY, AWAY, AWAY, AWAY),
    row("accounts/reauthenticate/code/confirm/", "/uz/accounts/reauthenticate/code/confirm/", LOGIN, AWAY, AWAY, AWAY, AWAY, AWAY, AWAY, AWAY),
    row("accounts/email/", "/uz/accounts/email/", LOGIN, 200, 200, 200, 200, 200, 200, 200),
    row("accounts/confirm-email/", "/uz/accounts/confirm-email/", 200, 200, 200, 200, 200, 200, 200, 200),
    row("accounts/password/change/", "/uz/accounts/password/change/", LOGIN, 200, 200, 200, 200, 200, 200, 200),
    row("accounts/password/set/", "/uz/accounts/password/set/", LOGIN, AWAY, AWAY, AWAY, AWAY, AWAY, AWAY, AWAY),
    row("accounts/password/reset/", "/uz/accounts/password/reset/", 200, 200, 200, 200, 200, 200, 200, 200),
    row("accounts/login/code/confirm/", "/uz/accounts/login/code/confirm/", AWAY, AWAY, AWAY, AWAY, AWAY, AWAY, AWAY, AWAY),
    row(r"accounts/^confirm-email/(?P<key>[-:\w]+)/$", "/uz/accounts/confirm-email/not-a-key/", 200, 200, 200, 200, 200, 200, 200, 200),
    row("accounts/password/reset/key/done/", "/uz/accounts/password/reset/key/done/", 200, 200, 200, 200, 200, 200, 200, 200),
    row(r"accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$", "/uz/accounts/password/reset/key/1-not-a-key/", 200, 200, 200, 200, 200, 200, 200, 200),
    row("accounts/password/reset/done/", "/uz/accounts/password/reset/done/", 200, 200, 200, 200, 200, 200, 200, 200),
    row("accounts/2fa/", "/uz/accounts/2fa/", LOGIN, 200, 200, 200, 200, 200, 200, 200),
    row("accounts/2fa/authenticate/", "/uz/accounts/2fa/authenticate/", LOGIN, AWAY, AWAY, AWAY, AWAY, AWAY, AWAY, AWAY),
    row("accounts/2fa/reauthenticate/", "/uz/accounts/2fa/reauthenticate/", LOGIN, AWAY, AWAY, AWAY, 200, 200, 200, 200),
    row("accounts/2fa/totp/activate/", "/uz/accounts/2fa/totp/activate/", LOGIN, AWAY, AWAY, AWAY, AWAY, AWAY, AWAY, AWAY),
    row("accounts/2fa/totp/deactivate/", "/uz/accounts/2fa/totp/deactivate/", LOGIN, 404, 404, 404, AWAY, AWAY, AWAY, AWAY),
    row("accounts/2fa/recovery-codes/", "/uz/accounts/2fa/recovery-codes/", LOGIN, 404, 404, 404, 404, 404, 404, 404),
    row("accounts/2fa/recovery-codes/generate/", "/uz/accounts/2fa/recovery-codes/generate/", LOGIN, AWAY, AWAY, AWAY, AWAY, AWAY, AWAY, AWAY),
    row("accounts/2fa/recovery-codes/download/", "/uz/accounts/2fa/recovery-codes/download/", LOGIN, 404, 404, 404, 404, 404, 404, 404),
    row("accounts/login/code/", "/uz/accounts/login/code/", 200, AWAY, AWAY, AWAY, AWAY, AWAY, AWAY, AWAY),
    row("accounts/login/phone/", "/uz/accounts/login/phone/", 200, AWAY, AWAY, AWAY, AWAY, AWAY, AWAY, AWAY),
    row("accounts/login/phone/code/", "/uz/accounts/login/phone/code/", AWAY, AWAY, AWAY, AWAY, AWAY, AWAY, AWAY, AWAY),
    row("accounts/comfort/", "/uz/accounts/comfort/", 200, 200, 200, 200, 200, 200, 200, 200),
    row("language/", "/language/", 405, 405, 405, 405, 405, 405, 405, 405),
    row("accounts/profile/", "/uz/accounts/profile/", LOGIN, 200, 200, 200, 200, 200, 200, 200),
    row("accounts/profile/my-data/", "/uz/accounts/profile/my-data/", LOGIN, 405, 405, 405, 405, 405, 405, 405),
    row("accounts/profile/delete/", "/uz/accounts/profile/delete/", LOGIN, 200, 200, 200, 403, 403, 403, 403),
    # A new phone number: the code page without a code asked for goes back to step 1.
    row("accounts/profile/phone/", "/uz/accounts/profile/phone/", LOGIN, 200, 200, 200, 200, 200, 200, 200),
    row("accounts/profile/phone/code/", "/uz/accounts/profile/phone/code/", LOGIN, AWAY, AWAY, AWAY, AWAY, AWAY, AWAY, AWAY),
    row("accounts/profile/phone/remove/", "/uz/accounts/profile/phone/remove/", LOGIN, 405, 405, 405, 405, 405, 405, 405),
    # Learning.
    row("learning/progress/", "/uz/learning/progress/", 405, 405, 405, 405, 405, 405, 405, 405),
    row("learning/progress/<int:lesson_id>/", "/uz/learning/progress/{lesson}/", 401, 200, 200, 200, 200, 200, 200, 200),
    # The lesson's plain forms: posts only (a post to a lesson closed to the reader records nothing).
    row("learning/lessons/<int:lesson_id>/form/", "/uz/learning/lessons/{lesson}/form/", 405, 405, 405, 405, 405, 405, 405, 405),
    row("learning/my/", "/uz/learning/my/", LOGIN, 200, 200, 200, 200, 200, 200, 200),
    # What this phone has saved: listed from the phone's own storage, so the page is one for all.
    row("learning/saved/", "/uz/learning/saved/", 200, 200, 200, 200, 200, 200, 200, 200),
    # A simulation of a published lesson: 200 to all (a visitor is asked to sign in); the world's lesson has none, so 404.
    row("learning/simulations/<int:lesson_id>/<str:block_id>/", "/uz/learning/simulations/{lesson}/no-such-block/", 404, 404, 404, 404, 404, 404, 404, 404),
    # Training programs, assessments and certificates: with no such program, attempt
    # or certificate, 404; a certificate's check page is public.
    row("learning/programs/", "/uz/learning/programs/", LOGIN, 200, 200, 200, 200, 200, 200, 200),
    row("learning/programs/<slug:slug>/", "/uz/learning/programs/no-such-program/", LOGIN, 404, 404, 404, 404, 404, 404, 404),
    row("learning/programs/<slug:slug>/courses/<int:course_id>/assessment/", "/uz/learning/programs/no-such-program/courses/999/assessment/", LOGIN, 404, 404, 404, 404, 404, 404, 404),
    row("learning/attempts/<int:attempt_id>/", "/uz/learning/attempts/999999/", LOGIN, 404, 404, 404, 404, 404, 404, 404),
    row("learning/attempts/<int:attempt_id>/result/", "/uz/learning/attempts/999999/result/", LOGIN, 404, 404, 404, 404, 404, 404, 404),
    row("learning/cpd/", "/uz/learning/cpd/", LOGIN, 200, 200, 200, 200, 200, 200, 200),
    row("learning/cpd/hours.csv", "/uz/learning/cpd/hours.csv", LOGIN, 200, 200, 200, 200, 200, 200, 200),
    row("certificates/", "/uz/certificates/", 200, 200, 200, 200, 200, 200, 200, 200),
    row("certificates/<str:code>/", "/uz/certificates/NO-SUCH-CODE/", 404, 404, 404, 404, 404, 404, 404, 404),
    row("certificates/<str:code>/certificate.pdf", "/uz/certificates/NO-SUCH-CODE/certificate.pdf", LOGIN, 404, 404, 404, 404, 404, 404, 404),
    # Videos: the files of a video that does not exist.
    row("videos/ladders/<int:video_id>/<str:build>/<path:name>", "/videos/ladders/999999/b1/master.m3u8", 404, 404, 404, 404, 404, 404, 404, 404),
    row("videos/captions/<int:caption_id>/<str:language>.vtt", "/videos/captions/999999/uz.vtt", 404, 404, 404, 404, 404, 404, 404, 404),
    # Image renditions are public like the pages showing them; nothing else in media/.
    row("media/images/<path:name>", "/media/images/no-such-rendition.jpg", 404, 404, 404, 404, 404, 404, 404, 404),
    # Consultations: a booking is seen by its client and its specialist only; anyone
    # else gets 404, so that a stranger cannot even tell that it exists.
    row("consultations/", "/uz/consultations/", 200, 200, 200, 200, 200, 200, 200, 200),
    row("consultations/book/", "/uz/consultations/book/", LOGIN, 200, 200, 200, 200, 200, 200, 200),
    row("consultations/book/specialist/", "/uz/consultations/book/specialist/?topic=loneliness", LOGIN, 200, 200, 200, 200, 200, 200, 200),
    row("consultations/book/time/", "/uz/consultations/book/time/", LOGIN, 400, 400, 400, 400, 400, 400, 400),
    row("consultations/book/confirm/", "/uz/consultations/book/confirm/", LOGIN, 400, 400, 400, 400, 400, 400, 400),
    row("consultations/consent/", "/uz/consultations/consent/", LOGIN, 200, 200, 200, 200, 200, 200, 200),
    row("consultations/consent/withdraw/", "/uz/consultations/consent/withdraw/", LOGIN, 405, 405, 405, 405, 405, 405, 405),
    row("consultations/appointments/", "/uz/consultations/appointments/", LOGIN, 200, 200, 200, 200, 200, 200, 200),
    row("consultations/today/", "/uz/consultations/today/", LOGIN, 403, 403, 403, 200, 200, 403, 403),
    row("consultations/home/", "/uz/consultations/home/", LOGIN, 200, 200, 200, 200, 200, 200, 200),
    row("consultations/<int:booking_id>/calendar.ics", "/uz/consultations/{booking}/calendar.ics", LOGIN, 404, 200, 404, 200, 404, 404, 404),
    row("consultations/<int:booking_id>/cancel/", "/uz/consultations/{booking}/cancel/", LOGIN, 405, 405, 405, 405, 405, 405, 405),
    row("consultations/<int:booking_id>/reschedule/", "/uz/consultations/{booking}/reschedule/", LOGIN, 404, 200, 404, 200, 404, 404, 404),
    row("consultations/<int:booking_id>/no-show/", "/uz/consultations/{booking}/no-show/", LOGIN, 405, 405, 405, 405, 405, 405, 405),
    row("consultations/<int:booking_id>/notes/", "/uz/consultations/{booking}/notes/", LOGIN, 404, 404, 404, 200, 404, 404, 404),
    row("consultations/<int:booking_id>/check/", "/uz/consultations/{booking}/check/", LOGIN, 404, 200, 404, 200, 404, 404, 404),
    row("consultations/<int:booking_id>/check/offer/", "/uz/consultations/{booking}/check/offer/", 405, 405, 405, 405, 405, 405, 405, 405),
    row("consultations/<int:booking_id>/check/result/", "/uz/consultations/{booking}/check/result/", 405, 405, 405, 405, 405, 405, 405, 405),
    row("consultations/<int:booking_id>/call/", "/uz/consultations/{booking}/call/", LOGIN, 404, 200, 404, 200, 404, 404, 404),
    # Urgent help: clients ask; on-duty specialists (none in this world) and
    # coordinators see the requests; everyone else gets 404.
    row("checkins/", "/uz/checkins/", LOGIN, 404, 404, 404, 200, 200, 404, 404),
    row("checkins/a/<str:token>/", "/uz/checkins/a/not-a-token/", 404, 404, 404, 404, 404, 404, 404, 404),
    row("checkins/session/<int:booking_id>/", "/uz/checkins/session/{booking}/", LOGIN, 404, 404, 404, 200, 404, 404, 404),
    row("checkins/session/<int:booking_id>/stop/", "/uz/checkins/session/{booking}/stop/", LOGIN, 405, 405, 405, 405, 405, 405, 405),
    row("urgent/help/", "/uz/urgent/help/", LOGIN, 200, 200, 200, 404, 404, 404, 404),
    row("urgent/help/status/", "/uz/urgent/help/status/", LOGIN, 200, 200, 200, 404, 404, 404, 404),
    row("urgent/help/close/", "/uz/urgent/help/close/", LOGIN, 405, 405, 405, 405, 405, 405, 405),
    row("urgent/", "/uz/urgent/", LOGIN, 404, 404, 404, 404, 404, 404, 200),
    row("urgent/<int:request_id>/take/", "/uz/urgent/1/take/", LOGIN, 405, 405, 405, 405, 405, 405, 405),
    row("urgent/<int:request_id>/close/", "/uz/urgent/1/close/", LOGIN, 405, 405, 405, 405, 405, 405, 405),
]

# route, path, then the same roles: ACCEPT, or the close code right after accepting.
WEBSOCKET = [
    row("ws/consultations/<int:booking_id>/", "/ws/consultations/{booking}/", 4403, 4403, ACCEPT, 4403, ACCEPT, 4403, 4403, 4403),
    row("ws/ping/", "/ws/ping/", ACCEPT, ACCEPT, ACCEPT, ACCEPT, ACCEPT, ACCEPT, ACCEPT, ACCEPT),
    row("ws/urgent/duty/", "/ws/urgent/duty/", 4403, 4403, 4403, 4403, 4403, 4403, 4403, ACCEPT),
    row("ws/urgent/mine/", "/ws/urgent/mine/", 4403, ACCEPT, ACCEPT, ACCEPT, 4403, 4403, 4403, 4403),
]
# fmt: on
