"""The interface text as a person sees it: Uzbek (Latin) is the default language."""

from django.utils import translation


def uz(text: str, **params) -> str:
    """`text` in Uzbek, with `%(name)s` placeholders filled from `params`."""
    with translation.override("uz"):
        translated = translation.gettext(text)
    return translated % params if params else translated


def uz_n(singular: str, plural: str, number: int, **params) -> str:
    """The Uzbek form of a text that changes with `number` (ngettext)."""
    with translation.override("uz"):
        translated = translation.ngettext(singular, plural, number)
    return translated % params if params else translated
