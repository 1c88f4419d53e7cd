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


def msgfmt_check(path: Path) -> None:
    """GNU msgfmt accepts the catalog (its own checks of formats and headers)."""
    require_gettext()
    result = subprocess.run(
        ["msgfmt", "--check", "--output-file=/dev/null", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


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
        msgfmt_check(LOCALE_DIR / language / "LC_MESSAGES" / "django.po")

    def test_russian_has_three_plural_forms(self):
        assert catalog("ru").metadata["Plural-Forms"] == RUSSIAN_PLURALS

    def test_karakalpak_counts_like_uzbek(self):
        # Both are Turkic: a noun after a number stays singular ("3 sabaq").
        assert (
            catalog("kaa").metadata["Plural-Forms"]
            == catalog("uz").metadata["Plural-Forms"]
        )


# The Wagtail admin's words that Wagtail lacks live in an app of their own
# (admin_locale/apps.py), out of makemessages' reach; checked here the same way.
ADMIN_LOCALE_DIR = Path(settings.BASE_DIR) / "admin_locale" / "locale"
ADMIN_LANGUAGES = ["uz", "kaa", "ru"]


def admin_catalog(language: str) -> polib.POFile:
    return polib.pofile(str(ADMIN_LOCALE_DIR / language / "LC_MESSAGES" / "django.po"))


def catalog_digests(folder: Path) -> dict[str, str]:
    import hashlib

    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*.po"))
    }


class AdminCatalogTests:
    @pytest.mark.parametrize("language", ADMIN_LANGUAGES)
    def test_every_entry_is_translated_and_keeps_its_placeholders(self, language):
        po = admin_catalog(language)
        assert live_entries(po)
        nplurals = int(re.search(r"nplurals=(\d+)", po.metadata["Plural-Forms"])[1])
        for entry in live_entries(po):
            assert "fuzzy" not in entry.flags, entry.msgid
            assert all(text.strip() for text in translations(entry)), entry.msgid
            if entry.msgid_plural:
                assert len(entry.msgstr_plural) == nplurals, entry.msgid
            source = entry.msgid_plural or entry.msgid
            for text in translations(entry):
                assert placeholders(entry, text) == placeholders(entry, source), (
                    entry.msgid,
                    text,
                )

    @pytest.mark.parametrize("language", ADMIN_LANGUAGES)
    def test_msgfmt_accepts_the_catalog(self, language):
        msgfmt_check(ADMIN_LOCALE_DIR / language / "LC_MESSAGES" / "django.po")

    def test_karakalpak_has_every_uzbek_entry(self):
        def msgids(language):
            return {e.msgid for e in live_entries(admin_catalog(language))}

        assert msgids("kaa") == msgids("uz")
        assert admin_catalog("ru").metadata["Plural-Forms"] == RUSSIAN_PLURALS

    def test_it_holds_no_string_of_our_code(self, scanned_msgids):
        # Those belong in locale/, which makemessages keeps (and which wins anyway).
        ours = {msgid for _, msgid in scanned_msgids}
        for language in ADMIN_LANGUAGES:
            entries = live_entries(admin_catalog(language))
            shared = sorted(e.msgid for e in entries if e.msgid in ours)
            assert not shared, f"admin_locale/{language}: {shared[:10]}"

    def test_makemessages_leaves_it_alone(self, tmp_path):
        """makemessages --no-obsolete over the project would drop every entry of a
        catalog it merges; it merges this one only if the app had strings. Run on a
        copy of the app, so that a failure never costs the real catalog."""
        require_gettext()
        app = tmp_path / "admin_locale"
        shutil.copytree(
            ADMIN_LOCALE_DIR.parent, app, ignore=shutil.ignore_patterns("__pycache__")
        )
        before = catalog_digests(app / "locale")
        (tmp_path / "locale").mkdir()
        with (
            contextlib.chdir(tmp_path),
            override_settings(LOCALE_PATHS=[tmp_path / "locale"]),
        ):
            call_command(
                "makemessages",
                locale=ADMIN_LANGUAGES,
                no_obsolete=True,
                verbosity=0,
                stdout=io.StringIO(),
            )
        assert before
        assert catalog_digests(app / "locale") == before

    def test_compilemessages_compiles_it(self, tmp_path):
        require_gettext()
        shutil.copytree(
            ADMIN_LOCALE_DIR.parent,
            tmp_path / "admin_locale",
            ignore=shutil.ignore_patterns("__pycache__", "*.mo"),
        )
        with contextlib.chdir(tmp_path):
            call_command("compilemessages", verbosity=0, stdout=io.StringIO())
        for language in ADMIN_LANGUAGES:
            compiled = tmp_path / "admin_locale" / "locale" / language / "LC_MESSAGES"
            assert (compiled / "django.mo").exists(), language

    def test_the_cyrillic_command_makes_its_uz_cyrl(self):
        from cms.management.commands.cyrillic_catalog import uzbek_locale_dirs

        found = [path.resolve() for path in uzbek_locale_dirs()]
        assert LOCALE_DIR.resolve() in found
        assert ADMIN_LOCALE_DIR.resolve() in found
        assert not any("site-packages" in path.parts for path in found)
