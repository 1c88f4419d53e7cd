"""The interface text as a person sees it: Uzbek (Latin) is the default language."""

from django.utils import translation


def uz(text: str, **params) -> str:
    """`text` in Uzbek, with `%(name)s` placeholders filled from `params`."""
    with translation.override("uz"):
        translated = translation.gettext(text)
    return translated % params if params else translated
