"""The interface catalogs: every string in the code is translated, in every language.

A fresh `makemessages` scan of the project (everything but .venv, node_modules, tests
and staticfiles) is compared with each catalog, so a string added to the code without
a translation fails here before a learner sees it in English. Karakalpak and Russian
are checked against the scan too, not against the Uzbek catalog. The scan needs GNU
gettext (xgettext, msgmerge), as `makemessages` and `compilemessages` do.
"""

import contextlib
import io
import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from tests.support.parts import require

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
LANGUAGES = ["uz", "ru", "kaa"]
NOT_SCANNED = {".venv", "node_modules", "tests", "staticfiles", "locale"}
RUSSIAN_PLURALS = (
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);"
)

# %(name)s, %s, %d, %%; {name}; HTML tags and entities.
PERCENT_PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")
BRACE_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
MARKUP = re.compile(r"<[^>]+>|&[a-z]+;")


def require_gettext() -> None:
    for tool in ("xgettext", "msgmerge", "msguniq", "msgfmt"):
        require(
            shutil.which(tool) is not None,
            f"{tool} is not installed (apt-get install gettext)",
        )


def catalog(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE_DIR / language / "LC_MESSAGES" / "django.po"))


def live_entries(po: polib.POFile) -> list[polib.POEntry]:
    return [entry for entry in po if not entry.obsolete]


def translations(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def placeholders(entry: polib.POEntry, text: str) -> set[str]:
    found = set(MARKUP.findall(text))
    if "python-format" in entry.flags:
        found |= set(PERCENT_PLACEHOLDER.findall(text))
    if "python-brace-format" in entry.flags:
        found |= set(BRACE_PLACEHOLDER.findall(text))
    return found


@pytest.fixture(scope="module")
def scanned_msgids(tmp_path_factory) -> set[tuple[str | None, str]]:
    """Run makemessages on a mirror of the project made of symlinks, into a
    throwaway locale folder, so the real catalogs are never touched."""
    require_gettext()
    root = Path(settings.BASE_DIR)
    mirror = tmp_path_factory.mktemp("scan")
    for child in root.iterdir():
        if child.name in NOT_SCANNED or child.name.startswith("."):
            continue
        (mirror / child.name).symlink_to(child)
    (mirror / "locale").mkdir()
    with (
        contextlib.chdir(mirror),
        override_settings(LOCALE_PATHS=[mirror / "locale"]),
    ):
        call_command(
            "makemessages",
            locale=["en"],
            symlinks=True,
            no_obsolete=True,
            verbosity=0,
            stdout=io.StringIO(),
        )
    scanned = polib.pofile(str(mirror / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    return {(entry.msgctxt, entry.msgid) for entry in live_entries(scanned)}


class CatalogTests:
    def test_the_scan_finds_the_interface_strings(self, scanned_msgids):
        msgids = {msgid for _, msgid in scanned_msgids}
        assert "Sign in" in msgids
        assert "Talk to a specialist" in msgids

    @pytest.mark.parametrize("language", LANGUAGES)
    def test_every_string_in_the_code_is_in_the_catalog(self, language, scanned_msgids):
        entries = live_entries(catalog(language))
        present = {(entry.msgctxt, entry.msgid) for entry in entries}
        missing = sorted(msgid for _, msgid in scanned_msgids - present)
        assert not missing, (
            f"{len(missing)} strings are missing from locale/{language}: "
            f"run makemessages and translate them: {missing[:10]}"
        )

    @pytest.mark.parametrize("language", LANGUAGES)
    def test_no_translation_is_empty_or_fuzzy(self, language):
        untranslated = [
            entry.msgid
            for entry in live_entries(catalog(language))
            if "fuzzy" in entry.flags
            or not all(text.strip() for text in translations(entry))
        ]
        assert not untranslated, f"locale/{language}: {untranslated[:10]}"

    @pytest.mark.parametrize("language", LANGUAGES)
    def test_placeholders_are_kept(self, language):
        wrong = []
        for entry in live_entries(catalog(language)):
            # Every plural form also stands for other numbers, so it keeps them all.
            source = entry.msgid_plural or entry.msgid
            for text in translations(entry):
                if placeholders(entry, text) != placeholders(entry, source):
                    wrong.append((entry.msgid, text))
        assert not wrong, f"locale/{language}: {wrong[:5]}"

    @pytest.mark.parametrize("language", LANGUAGES)
    def test_every_plural_form_is_filled(self, language):
        po = catalog(language)
        nplurals = int(re.search(r"nplurals=(\d+)", po.metadata["Plural-Forms"])[1])
        plurals = [entry for entry in live_entries(po) if entry.msgid_plural]
        assert all(len(entry.msgstr_plural) == nplurals for entry in plurals)

    @pytest.mark.parametrize("language", LANGUAGES)
    def test_msgfmt_accepts_the_catalog(self, language):
        require_gettext()
        path = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
        result = subprocess.run(
            ["msgfmt", "--check", "--output-file=/dev/null", str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr

    def test_russian_has_three_plural_forms(self):
        assert catalog("ru").metadata["Plural-Forms"] == RUSSIAN_PLURALS

    def test_karakalpak_counts_like_uzbek(self):
        # Both are Turkic: a noun after a number stays singular ("3 sabaq").
        assert (
            catalog("kaa").metadata["Plural-Forms"]
            == catalog("uz").metadata["Plural-Forms"]
        )
