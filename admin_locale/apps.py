"""An app that holds only a translation catalog: the Wagtail admin strings a
trainer meets that Wagtail's own catalogs lack (it has no Uzbek at all), so the
admin is not half English.

Why an app of its own: the project catalog (locale/) is rewritten by
`makemessages --no-obsolete` from our code, which would drop these msgids, as none of
them is in our code. makemessages files a string under the nearest app with a
`locale` folder, and this app has no translatable string of its own, so its
catalogs are never touched; `compilemessages` compiles them like any other.
Listed in INSTALLED_APPS before the wagtail apps: Django gives the catalog of an
earlier app precedence. Nothing here may call gettext (a string of ours would make
makemessages merge, and wipe, this catalog).
"""

from django.apps import AppConfig


class AdminLocaleConfig(AppConfig):
    name = "admin_locale"
    verbose_name = "Admin translations"
