"""Make the Uzbek Cyrillic interface catalog from the Uzbek Latin one.

`locale/uz/LC_MESSAGES/django.po` is the one that translators keep; this writes
`locale/uz_Cyrl/LC_MESSAGES/django.po` with every translation transliterated, so the
two scripts never drift apart. `make messages` runs it before compiling. The same for
the catalogs of our own apps that keep one (admin_locale: the Wagtail admin's words).
"""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand

from core.transliteration import latin_to_cyrillic

SOURCE = Path("uz") / "LC_MESSAGES" / "django.po"
TARGET = Path("uz_Cyrl") / "LC_MESSAGES" / "django.po"


def po_string(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\t", "\\t")
    )
    return f'"{escaped}"'


def transliterate_catalog(source: str) -> str:
    """The .po text `source` with each msgstr in Cyrillic; the rest stays."""
    output: list[str] = []
    lines = source.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line.startswith("msgstr"):
            output.append(line)
            index += 1
            continue
        keyword, _, first = line.partition(" ")
        parts = [first]
        index += 1
        while index < len(lines) and lines[index].startswith('"'):
            parts.append(lines[index])
            index += 1
        text = "".join(ast.literal_eval(part) for part in parts)
        if text.startswith("Project-Id-Version") or "Content-Type:" in text:
            text = "".join(
                "Language: uz_Cyrl\n" if header.startswith("Language:") else header
                for header in text.splitlines(keepends=True)
            )
        else:
            text = latin_to_cyrillic(text)
        output.append(f"{keyword} {po_string(text)}")
    return "\n".join(output) + "\n"


class Command(BaseCommand):
    help = "Write the Uzbek Cyrillic catalog from the Uzbek Latin one."

    def handle(self, *args, **options):
        for locale_dir in uzbek_locale_dirs():
            source = (locale_dir / SOURCE).read_text(encoding="utf-8")
            target = locale_dir / TARGET
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(transliterate_catalog(source), encoding="utf-8")
            if options["verbosity"]:
                base = Path(settings.BASE_DIR)
                self.stdout.write(f"Wrote {target.relative_to(base)}")


def uzbek_locale_dirs() -> list[Path]:
    """The project catalog, then each of our apps' own. Never an installed
    package's (the virtualenv may sit inside the project folder)."""
    base = Path(settings.BASE_DIR).resolve()
    found = [Path(settings.LOCALE_PATHS[0])]
    for config in apps.get_app_configs():
        locale_dir = Path(config.path).resolve() / "locale"
        ours = base in locale_dir.parents and "site-packages" not in locale_dir.parts
        if ours and (locale_dir / SOURCE).exists():
            found.append(locale_dir)
    return found
