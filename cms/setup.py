"""The site structure every Ko'mak installation needs, created idempotently after
migrate.

Role groups and their Wagtail permissions, the home page, the course list and the
coordinator's approval workflow live here rather than in data migrations because
Wagtail's page tree needs the real model classes. `post_migrate` also runs after a test
database is flushed, so tests always see the same structure.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from accounts.roles import ALL_ROLES, COORDINATOR, TRAINER
from analytics.permissions import analytics_permissions_ensure
from learning.permissions import training_permissions_ensure

# Content languages other than Uzbek, each synchronised from Uzbek by wagtail-localize:
# it keeps an alias of every Uzbek page there until a trainer translates the page.
SYNCED_LANGUAGES = ("uz-cyrl", "ru", "kaa", "en")
# The workflow and its task are data that the admin shows as they are ("Submit to
# <workflow>" on the editor's button), so they are named in Uzbek, the language of
# the admin; the English names of earlier installations are renamed.
WORKFLOW_NAME = "Koordinator tasdigʻi"
TASK_NAME = "Koordinator tasdiqlaydi"
FORMER_NAMES = {
    WORKFLOW_NAME: "Coordinator approval",
    TASK_NAME: "Coordinator approves",
}
HOME_TITLE = "Koʻmak"
COURSES_TITLE = "Kurslar"
COURSES_SLUG = "kurslar"


def _permission(app_label: str, codename: str) -> Permission:
    try:
        return Permission.objects.get(
            content_type__app_label=app_label, codename=codename
        )
    except Permission.DoesNotExist:
        raise LookupError(f"{app_label}.{codename}") from None


def submit_translation_permission_ensure() -> Permission:
    """wagtail-localize's "Can submit translations". Its migration makes it, on a
    content type of no model, so a flushed test database has lost it: make it again."""
    from django.contrib.contenttypes.models import ContentType

    content_type, _ = ContentType.objects.get_or_create(
        app_label="wagtail_localize", model="translation"
    )
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="submit_translation",
        defaults={"name": "Can submit translations"},
    )
    return permission


def roles_ensure() -> dict[str, Group]:
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in ALL_ROLES}
    admin_access = _permission("wagtailadmin", "access_admin")
    # Trainers and coordinators translate courses (wagtail-localize's "Translate").
    translate = submit_translation_permission_ensure()
    for role in (TRAINER, COORDINATOR):
        groups[role].permissions.add(admin_access, translate)
    # Coordinators keep the list of specialists, their hours and the consent terms.
    for model in ("specialistprofile", "weeklyhours", "timeoff", "consentterms"):
        for action in ("add", "change", "delete", "view"):
            groups[COORDINATOR].permissions.add(
                _permission("consultations", f"{action}_{model}")
            )
    # Coordinators keep the duty rota of urgent help (urgent/).
    for action in ("add", "change", "delete", "view"):
        groups[COORDINATOR].permissions.add(
            _permission("urgent", f"{action}_dutyshift")
        )
    # Coordinators search the audit trail (read-only: it has no other permission).
    groups[COORDINATOR].permissions.add(_permission("audit", "view_auditrecord"))
    root_collection = Collection.get_first_root_node()
    for role in (TRAINER, COORDINATOR):
        for app_label, codenames in (
            ("wagtailimages", ("add_image", "change_image", "choose_image")),
            ("wagtaildocs", ("add_document", "change_document", "choose_document")),
        ):
            for codename in codenames:
                GroupCollectionPermission.objects.get_or_create(
                    group=groups[role],
                    collection=root_collection,
                    permission=_permission(app_label, codename),
                )
    training_permissions_ensure(groups)
    analytics_permissions_ensure(groups)
    return groups


def home_page_ensure():
    from cms.models import HomePage

    home = HomePage.objects.filter(locale=Locale.get_default()).first()
    if home is None:
        root = Page.get_first_root_node()
        # Wagtail's first migration leaves a plain "Welcome" page with the slug "home"
        # as the default site root; move it aside, then delete it once no site uses it.
        placeholders = [
            page for page in root.get_children() if page.specific_class is Page
        ]
        for page in placeholders:
            page.slug = f"placeholder-{page.pk}"
            page.save(update_fields=["slug"])
        home = root.add_child(
            instance=HomePage(
                title=HOME_TITLE,
                slug="home",
                intro="Oʻrganing va yordam oling: telefon, internet va davlat xizmatlari "  # noqa: E501
                "boʻyicha qisqa darslar hamda psixolog va ijtimoiy xodim bilan suhbat.",
                learn_text="Telefon va internetdan foydalanishni bosqichma-bosqich oʻrganing.",  # noqa: E501
                talk_text="Psixolog yoki ijtimoiy xodim bilan video orqali gaplashing.",
            )
        )
        for site in Site.objects.all():
            site.root_page = home
            site.site_name = HOME_TITLE
            site.save()
        for page in placeholders:
            if not page.get_children().exists():
                page.delete()
        if not Site.objects.exists():
            Site.objects.create(
                hostname="localhost",
                port=80,
                root_page=home,
                is_default_site=True,
                site_name=HOME_TITLE,
            )
    return home


def course_index_ensure(home):
    from learning.models import CourseIndexPage

    index = CourseIndexPage.objects.child_of(home).first()
    if index is None:
        index = home.add_child(
            instance=CourseIndexPage(
                title=COURSES_TITLE,
                slug=COURSES_SLUG,
                intro="Qisqa va sodda darslar. Istalgan vaqtda toʻxtab, keyin davom etishingiz "  # noqa: E501
                "mumkin: yutuqlaringiz saqlanadi.",
            )
        )
    return index


def page_permissions_ensure(groups: dict[str, Group], *, home, course_index) -> None:
    """Trainers add and edit courses but cannot publish; coordinators can."""
    grants = [
        (groups[TRAINER], course_index, ("add_page", "change_page")),
        (groups[COORDINATOR], home, ("add_page", "change_page", "publish_page")),
    ]
    for group, page, codenames in grants:
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(
                group=group,
                page=page,
                permission=_permission("wagtailcore", codename),
            )


def workflow_ensure(groups: dict[str, Group], *, home) -> Workflow:
    """Every page under the home page goes through a coordinator's approval."""
    Workflow.objects.filter(name=FORMER_NAMES[WORKFLOW_NAME]).update(name=WORKFLOW_NAME)
    GroupApprovalTask.objects.filter(name=FORMER_NAMES[TASK_NAME]).update(
        name=TASK_NAME
    )
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.set([groups[COORDINATOR]])
    WorkflowTask.objects.get_or_create(
        workflow=workflow, task=task, defaults={"sort_order": 0}
    )
    WorkflowPage.objects.update_or_create(page=home, defaults={"workflow": workflow})
    return workflow


def locales_ensure(*, source_language: str) -> None:
    """A locale for every content language, synchronised from Uzbek.

    Saving a new synchronisation makes the aliases of the pages that exist already
    (wagtail-localize runs the tree sync on save); pages added later in the admin
    get theirs when they are created, and `manage.py sync_locale_trees` catches up
    with pages made by code.
    """
    from wagtail_localize.models import LocaleSynchronization

    source, _ = Locale.objects.get_or_create(language_code=source_language)
    for language in SYNCED_LANGUAGES:
        locale, _ = Locale.objects.get_or_create(language_code=language)
        if not LocaleSynchronization.objects.filter(locale=locale).exists():
            LocaleSynchronization.objects.create(locale=locale, sync_from=source)


@transaction.atomic
def site_structure_ensure():
    from django.conf import settings

    groups = roles_ensure()
    home = home_page_ensure()
    course_index = course_index_ensure(home)
    locales_ensure(source_language=settings.LANGUAGE_CODE)
    # Each language has its own tree: trainers translate into it, coordinators
    # approve what is published there.
    for language_home in home.get_translations(inclusive=True):
        language_index = course_index.get_translation_or_none(language_home.locale)
        page_permissions_ensure(
            groups, home=language_home, course_index=language_index or course_index
        )
        workflow_ensure(groups, home=language_home)
    return home


def site_structure_ensure_on_migrate(sender, using="default", **kwargs):
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.db import connections

    # Skip a partial migrate (e.g. `migrate cms zero`) where the tables are not all
    # there.
    tables = set(connections[using].introspection.table_names())
    needed = {
        "wagtailcore_page",
        "cms_homepage",
        "learning_courseindexpage",
        "auth_group",
    }
    if not needed <= tables:
        return
    # A flushed database (after a transactional test) has lost the page tree's root,
    # which only Wagtail's migrations make: such tests use serialized_rollback instead.
    if not Page.objects.using(using).exists():
        return
    # post_migrate reaches apps in INSTALLED_APPS order, and after a flush the
    # permissions of later apps (Wagtail's) are not back yet: create them all first.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    site_structure_ensure()
