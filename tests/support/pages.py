"""The page tree after a flush.

A transactional test empties every table when it ends, the rows Wagtail's own
migrations made (root page, root collection, default locale) included, and
`cms.setup` cannot rebuild the site without them. A later transactional test that
needs pages calls `page_tree_restore()` first.
"""

from django.conf import settings


def page_tree_restore():
    """Wagtail's root rows if they are gone, then the site structure; the home page."""
    from wagtail.models import Collection, Locale, Page

    from cms.setup import site_structure_ensure

    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    if not Page.objects.exists():
        Page.add_root(instance=Page(title="Root", slug="root"))
    return site_structure_ensure()
