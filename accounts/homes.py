"""Where each person lands after signing in, and the header's main links.

One place decides both, so the landing page and the header always agree. A person
with several roles gets the home of the first that applies, in this order:

1. trainers, coordinators and other staff with the admin: the Wagtail dashboard,
   where their work (courses to review, cohorts, reports) is;
2. specialists: today's sessions, with the urgent duty panel;
3. social workers: their programs and deadlines;
4. clients (someone who has booked a talk or accepted the consultation terms):
   their next talk;
5. learners: "continue" and the courses;
6. anyone else: the public home page (LOGIN_REDIRECT_URL).

Staff come first because their accounts exist for that work; a specialist who also
takes courses still starts the day with her sessions.

Roles come from groups, and from traces that other apps hold: a specialist profile,
a booking, a consent. accounts stands below those apps and imports none of them, so
the app that holds such data registers a trace in its `AppConfig.ready`
(`home_role_trace_register`: a condition on the user row, such as an `Exists`), and
forgets the cached role when that data changes (`home_role_forget`). The role is
still worked out in one query, with each trace as a column of it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Exists, Expression, OuterRef
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .roles import COORDINATOR, LEARNER, SOCIAL_WORKER, SPECIALIST, TRAINER

ADMIN = "admin"
SPECIALIST_HOME = "specialist"
SOCIAL_WORKER_HOME = "social_worker"
CLIENT = "client"
LEARNER_HOME = "learner"
VISITOR = "visitor"


@dataclass(frozen=True)
class HeaderLink:
    url: str
    label: str
    key: str


# The role is read on every page (the header), so it is kept in the shared cache,
# where every worker sees it, and forgotten when what decides it changes (groups and
# staff flags: accounts/signals.py; a trace: the app that registered it). The time
# limit is only a backstop for a change made past the ORM.
ROLE_CACHE_SECONDS = 10 * 60
# The roles in the order of the module docstring, each with the groups that give it.
# The superuser flag and the registered traces give a role too.
ROLE_ORDER = (
    (ADMIN, (TRAINER, COORDINATOR)),
    (SPECIALIST_HOME, (SPECIALIST,)),
    (SOCIAL_WORKER_HOME, (SOCIAL_WORKER,)),
    (CLIENT, ()),
    (LEARNER_HOME, (LEARNER,)),
)
# Trace name → (role, a function returning a boolean expression over the user row,
# e.g. `Exists(Booking.objects.filter(client_id=OuterRef("pk")))`).
_role_traces: dict[str, tuple[str, Callable[[], Expression]]] = {}


def home_role_trace_register(
    *, name: str, role: str, trace: Callable[[], Expression]
) -> None:
    """Let an app above accounts say who has `role` from its own data: anyone for
    whom `trace()` holds. Called from the app's `AppConfig.ready`; registering a
    `name` again replaces it. The app also forgets a person's cached role
    (`home_role_forget`) when that data changes."""
    if role not in dict(ROLE_ORDER):
        raise ValueError(f"Unknown home role {role!r}")
    _role_traces[name] = (role, trace)


def _role_cache_key(user_id: int) -> str:
    return f"home-role:{user_id}"


def home_role_forget(*, user_id: int) -> None:
    """Forget a person's cached role, after a change that may alter it."""
    cache.delete(_role_cache_key(user_id))


def _home_role_compute(user) -> str:
    """One query: the person's groups, superuser flag and registered traces."""
    memberships = get_user_model().groups.through.objects.filter(user_id=OuterRef("pk"))
    columns = {
        f"group_{role}": Exists(memberships.filter(group__name__in=groups))
        for role, groups in ROLE_ORDER
        if groups
    }
    traces = sorted(_role_traces.items())
    columns.update(
        (f"trace_{number}", trace())
        for number, (_name, (_role, trace)) in enumerate(traces)
    )
    flags = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(**columns)
        .values("is_superuser", *columns)
        .first()
    )
    if flags is None:
        return VISITOR
    held = {role for role, _groups in ROLE_ORDER if flags.get(f"group_{role}")}
    held.update(
        role
        for number, (_name, (role, _trace)) in enumerate(traces)
        if flags[f"trace_{number}"]
    )
    if flags["is_superuser"]:
        held.add(ADMIN)
    return next((role for role, _groups in ROLE_ORDER if role in held), VISITOR)


def home_role(user) -> str:
    """The role whose home this person gets (order in the module docstring)."""
    if user is None or not user.is_authenticated:
        return VISITOR
    role = getattr(user, "_komak_home_role", None)
    if role is None:
        key = _role_cache_key(user.pk)
        # Kept with the account's creation time: a new account that reuses a
        # deleted one's id (SQLite reuses ids) never gets the old role.
        joined = user.date_joined.isoformat() if user.date_joined else ""
        cached = cache.get(key)
        if isinstance(cached, tuple) and len(cached) == 2 and cached[0] == joined:
            role = cached[1]
        else:
            role = _home_role_compute(user)
            cache.set(key, (joined, role), ROLE_CACHE_SECONDS)
        user._komak_home_role = role
    return role


def home_url_for(user) -> str:
    """The page this person lands on after signing in."""
    role = home_role(user)
    if role == ADMIN:
        return reverse("wagtailadmin_home")
    if role == SPECIALIST_HOME:
        return reverse("consultations_today")
    if role == SOCIAL_WORKER_HOME:
        return reverse("learning_my_training")
    if role == CLIENT:
        return reverse("consultations_home")
    if role == LEARNER_HOME:
        return reverse("learning_my_learning")
    # No role yet: the home page in the language she reads. (`/` would answer with
    # it too, but under an address that names no language.)
    return f"/{get_language() or settings.LANGUAGE_CODE}/"


def header_links_for(user, *, course_index_url: str = "") -> list[HeaderLink]:
    """The header's role links: two, the role's own work first. Search, "easier to
    read" and profile (or sign in) follow for everyone (templates/base.html), so the
    header never has more than five links and fits a 320 px screen."""
    courses = HeaderLink(course_index_url or "/", _("Learn"), "courses")
    learning = HeaderLink(reverse("learning_my_learning"), _("My learning"), "learning")
    role = home_role(user)
    if role == ADMIN:
        dashboard = HeaderLink(
            reverse("wagtailadmin_home"), _("Dashboard"), "dashboard"
        )
        return [dashboard, courses]
    if role == SPECIALIST_HOME:
        return [
            HeaderLink(reverse("consultations_today"), _("Today"), "today"),
            HeaderLink(
                reverse("consultations_appointments"), _("All my sessions"), "sessions"
            ),
        ]
    if role == SOCIAL_WORKER_HOME:
        training = HeaderLink(
            reverse("learning_my_training"), _("My training"), "my_training"
        )
        return [training, learning]
    if role == CLIENT:
        return [
            HeaderLink(
                reverse("consultations_appointments"),
                _("My appointments"),
                "appointments",
            ),
            HeaderLink(reverse("consultations_book"), _("Book a talk"), "book"),
        ]
    if role == LEARNER_HOME:
        return [learning, courses]
    talk = HeaderLink(
        reverse("consultations_index"), _("Talk to a specialist"), "consultations"
    )
    return [courses, talk]
