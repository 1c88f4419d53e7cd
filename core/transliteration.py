"""Uzbek Latin to Uzbek Cyrillic, for the `/uz-cyrl/` version of every Uzbek page.

Many older Uzbeks learned to read in Cyrillic. Rather than ask trainers to write
every page twice, the Cyrillic page is made from the Latin one when it is rendered.

The letter rules come from the `alifbo` library (the 1995 Latin alphabet and its
spelling rules, with word lists for loanwords). Four places where its 0.6.0 release
differs from the official rules (Cabinet of Ministers resolution No. 339 of
24 August 1995, "Oʻzbek tilining asosiy imlo qoidalari") are corrected here:

- `n` followed by `gʻ` is н + ғ (tongʻi → тонғи), not the new alphabet's digraph;
- the apostrophe between `s` and `h` only shows that they are two letters
  (Isʼhoq → Исҳоқ, rule 11), it is not a hard sign;
- a word in capitals keeps its hard sign in capitals (TAʼLIM → ТАЪЛИМ);
- Russian loanwords keep their Russian spelling, ц and ь included (konsultatsiya →
  консультация, not консултация): see LOANWORD_STEMS.

What must not change stays as it is: web and e-mail addresses, words mixed with
digits (3G, 4G), protected names, and in HTML the markup, scripts, styles, code and
anything inside an element marked `translate="no"`.
"""

import functools
import html
import re
from html.parser import HTMLParser

import alifbo

# Every form in which people type the apostrophe of oʻ, gʻ and the tutuq belgisi.
APOSTROPHES = "'‘’ʻʼ`´"
_APOSTROPHE = f"[{APOSTROPHES}]"

# Names that keep their Latin spelling in Cyrillic text.
PROTECTED_TERMS = (
    "WhatsApp",
    "Telegram",
    "Viber",
    "Google",
    "YouTube",
    "Android",
    "iPhone",
    "Wi-Fi",
    "Chrome",
    "Windows",
    "OneID",
    "QR",
    "my.gov.uz",
    "UTF-8",
    "JSON",
    "CSV",
    "XLSX",
    "true",
    "false",
    # keys as they are labelled on a keyboard
    "Ctrl",
    "Alt",
    "Win",
)

# Abbreviations written in mixed case, which would otherwise pass as foreign names.
ABBREVIATIONS = {"JShShIR": "ЖШШИР"}

# A web or e-mail address, or a bare domain such as my.gov.uz.
_ADDRESS = (
    r"(?:https?://|www\.)[^\s<>\"]+"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:uz|ru|com|org|net|gov|edu|info)\b(?:/[^\s<>\"]*)?"
)
# A Latin word: letters joined by apostrophes (oʻzbek, taʼlim), a final oʻ or gʻ
# (togʻ), and digits when they are mixed in (3G stays as it is, see below).
_WORD = (
    rf"[A-Za-z0-9]*[A-Za-z](?:{_APOSTROPHE}?[A-Za-z0-9]+)*"
    rf"(?:(?<=[oOgG]){_APOSTROPHE})?"
)
_S_APOSTROPHE_H = re.compile(rf"([sS]){_APOSTROPHE}([hH])")
# ts is one letter, ц, only in loanwords: at the start of a word (tsirk), before i and
# a vowel (politsiya, patsiyent, ratsion) and before e (litsey, tsement). Elsewhere
# it is t and s meeting at a suffix (ketsa, kutsangiz, otsiz), which alifbo 0.6.0
# would also write as ц.
_T_THEN_S = re.compile(
    rf"(?<=[A-Za-z{APOSTROPHES}])([tT])(?=[sS](?![iI][aeiouyAEIOUY]|[eE]))"
)
# Russian loanwords as Uzbek Cyrillic spells them. The 1995 Latin alphabet drops
# the Russian letters ц and ь (konsultatsiya, kompyuter, film) and sometimes writes
# ц as s (aksiya), but Uzbek Cyrillic keeps the Russian spelling of a loanword:
# консультация, компьютер, фильм, акция. Letter rules cannot bring back a lost ь or
# tell which s was a ц, so such words are listed here. The stem is matched at the
# start of a word so that Uzbek suffixes follow (konsultatsiyaga, psixologlar);
# tests/cms/test_transliteration.py holds each of them with a suffix. Words the
# letter rules already spell right (psixolog, sotsial, registratsiya) are listed
# too, so that a change in `alifbo` cannot misspell the words of this service.
LOANWORD_STEMS = {
    "aksiya": "акция",
    "funksiya": "функция",
    "stansiya": "станция",
    "konsert": "концерт",
    "obyekt": "объект",
    "subyekt": "субъект",
    "konsultatsiya": "консультация",
    "konsultant": "консультант",
    "kompyuter": "компьютер",
    "film": "фильм",
    "demensiya": "деменция",
    "psixolog": "психолог",
    "psixiatr": "психиатр",
    "sotsial": "социал",
    "informatsiya": "информация",
    "registratsiya": "регистрация",
    "operatsiya": "операция",
    "reabilitatsiya": "реабилитация",
}


def _protected_pattern(terms) -> str:
    ordered = sorted(terms, key=len, reverse=True)
    names = "|".join(re.escape(term) for term in ordered)
    # A protected name may carry an Uzbek suffix: WhatsAppda, Telegramga.
    return rf"(?<![\w.])(?:{names})(?=[a-z{APOSTROPHES}]*(?![\w]))"


# Placeholders and markup inside interface strings: %(name)s, %s, {name}, <b>.
# Also names from code, which have an underscore: rtt_ms, loss_percent.
_PLACEHOLDER = r"%\([^)]*\)[a-z]|%[a-z%]|\{[^{}\s]*\}|<[^<>]+>|\b\w+_\w+\b"

_TOKEN = re.compile(
    rf"(?P<placeholder>{_PLACEHOLDER})"
    rf"|(?P<protected>{_protected_pattern(PROTECTED_TERMS)})"
    rf"|(?P<address>{_ADDRESS})"
    rf"|(?P<word>{_WORD})"
)


@functools.lru_cache(maxsize=20_000)
def _word_to_cyrillic(word: str) -> str:
    if any(character.isdigit() for character in word):
        return word  # 3G, A4, COVID19: a code, not a word
    if word in ABBREVIATIONS:
        return ABBREVIATIONS[word]
    # Isʼhoq: convert the two halves apart so that no hard sign comes between them
    # and s + h is not read as ш.
    match = _S_APOSTROPHE_H.search(word)
    if match:
        left = word[: match.start()] + match.group(1)
        right = match.group(2) + word[match.end() :]
        return _convert(left) + _word_to_cyrillic(right)
    lowered = word.lower()
    for stem, cyrillic in LOANWORD_STEMS.items():
        if lowered.startswith(stem):
            head = cyrillic.upper() if word[: len(stem)].isupper() else cyrillic
            if word[0].isupper():
                head = head[0].upper() + head[1:]
            rest = word[len(stem) :]
            return head + (_word_to_cyrillic(rest) if rest else "")
    match = _T_THEN_S.search(word)
    if match:
        return _convert(word[: match.end()]) + _word_to_cyrillic(word[match.end() :])
    return _convert(word)


def _convert(word: str) -> str:
    result = alifbo.to_cyrillic(word, ng_as_digraph=False, protect_spans=False).text
    letters = [character for character in word if character.isalpha()]
    if len(letters) > 1 and all(character.isupper() for character in letters):
        result = result.upper()  # ТАЪЛИМ, not ТАъЛИМ
    return result


def latin_to_cyrillic(text: str) -> str:
    """Uzbek text in Latin script, written in Cyrillic script."""

    def replace(match: re.Match) -> str:
        if match.group("word"):
            return _word_to_cyrillic(match.group("word"))
        return match.group(0)

    return _TOKEN.sub(replace, text)


# Attributes that people read or hear; the rest (href, src, class...) are markup.
READABLE_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label", "content"}
_SKIPPED_ELEMENTS = {"script", "style", "code", "pre", "kbd", "samp", "textarea"}
_VOID_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input",
    "link", "meta", "source", "track", "wbr",
}  # fmt: skip


class _CyrillicWriter(HTMLParser):
    """Copies an HTML document, writing its readable Latin text in Cyrillic."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.output: list[str] = []
        self.skip_depth = 0  # inside script, style, code or translate="no"
        self.open_elements: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        self._start(tag, attrs, closed=False)

    def handle_startendtag(self, tag, attrs):
        self._start(tag, attrs, closed=True)

    def _start(self, tag, attrs, *, closed):
        attributes = dict(attrs)
        skips = tag in _SKIPPED_ELEMENTS or attributes.get("translate") == "no"
        # A meta tag's content is read only when it is a description.
        readable = set(READABLE_ATTRIBUTES)
        if tag == "meta" and attributes.get("name") != "description":
            readable.discard("content")
        parts = [tag]
        for name, value in attrs:
            if value is None:
                parts.append(name)
                continue
            if name in readable and not self.skip_depth and not skips:
                value = latin_to_cyrillic(value)
            parts.append(f'{name}="{html.escape(value, quote=True)}"')
        self.output.append(f"<{' '.join(parts)}{' /' if closed else ''}>")
        if closed or tag in _VOID_ELEMENTS:
            return
        self.open_elements.append((tag, skips))
        if skips:
            self.skip_depth += 1

    def handle_endtag(self, tag):
        self.output.append(f"</{tag}>")
        # Close up to the matching element; HTML allows some end tags to be left out.
        for index in range(len(self.open_elements) - 1, -1, -1):
            if self.open_elements[index][0] == tag:
                for _, skipped in self.open_elements[index:]:
                    if skipped:
                        self.skip_depth -= 1
                del self.open_elements[index:]
                break

    def handle_data(self, data):
        if self.skip_depth:
            last_open = self.open_elements[-1][0] if self.open_elements else ""
            # Script and style text is not HTML: it must not be escaped.
            if last_open in {"script", "style"}:
                self.output.append(data)
            else:
                self.output.append(html.escape(data, quote=False))
            return
        self.output.append(html.escape(latin_to_cyrillic(data), quote=False))

    def handle_comment(self, data):
        self.output.append(f"<!--{data}-->")

    def handle_decl(self, decl):
        self.output.append(f"<!{decl}>")

    def handle_pi(self, data):
        self.output.append(f"<?{data}>")

    def unknown_decl(self, data):
        self.output.append(f"<![{data}]>")


def html_to_cyrillic(document: str) -> str:
    """An HTML page with its readable Uzbek Latin text written in Cyrillic."""
    writer = _CyrillicWriter()
    writer.feed(document)
    writer.close()
    return "".join(writer.output)


class CyrillicPageMiddleware:
    """Writes an HTML response in Cyrillic when the reader chose Uzbek in Cyrillic.

    Interface strings come from the uz_Cyrl catalog (made from the Latin one by
    `manage.py cyrillic_catalog`); this turns the rest, the trainers' Latin content,
    into Cyrillic as the page is sent. Text already in Cyrillic is left as it is, so a
    page that a trainer wrote in Cyrillic by hand passes through unchanged.
    """

    LANGUAGE = "uz-cyrl"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils import translation

        response = self.get_response(request)
        if (
            translation.get_language() != self.LANGUAGE
            # Already written (a page from cms/page_cache.py, stored in Cyrillic).
            or getattr(response, "cyrillic_written", False)
            or response.streaming
            or not response.get("Content-Type", "").startswith("text/html")
            or response.get("Content-Encoding")
        ):
            return response
        charset = response.charset or "utf-8"
        response.content = html_to_cyrillic(response.content.decode(charset)).encode(
            charset
        )
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        return response


def in_reader_script(text: str, language: str | None = None) -> str:
    """`text` in the script of someone who reads `language` (by default the active
    language): Uzbek Latin written in Cyrillic for Uzbek Cyrillic, as it is otherwise.

    For the words that reach a reader outside an HTML page, where
    CyrillicPageMiddleware does not look: captions, answers sent as JSON, SMS and
    e-mail. Cyrillic text (from the uz_Cyrl catalog, or Russian) stays as it is; the
    caller passes only Uzbek text, never Karakalpak or English, which are Latin too.
    """
    from django.utils import translation

    if (language or translation.get_language()) != CyrillicPageMiddleware.LANGUAGE:
        return text
    return latin_to_cyrillic(text)


_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_ANY_APOSTROPHE = re.compile(rf"(?P<before>[oOgG]?){_APOSTROPHE}")


def search_query_latin(query: str) -> str:
    """A search query written as the lessons are: Uzbek Latin with ʻ and ʼ.

    People type in Cyrillic or Latin, and type the apostrophe of oʻ and gʻ as ', ‘, ’
    or `; the lessons use U+02BB after o and g and U+02BC for the tutuq belgisi.
    """
    if _CYRILLIC.search(query):
        query = alifbo.to_old_latin(alifbo.from_cyrillic(query).text).text
    return _ANY_APOSTROPHE.sub(
        lambda match: match["before"] + ("\u02bb" if match["before"] else "\u02bc"),
        query,
    )


class CyrillicMachineTranslator:
    """wagtail-localize's "Machine translate" for Uzbek (Latin) to Uzbek (Cyrillic).

    A trainer who writes a Cyrillic version by hand starts from this transliteration
    and corrects what needs correcting; for every other pair of languages the button
    is not offered. Set as WAGTAILLOCALIZE_MACHINE_TRANSLATOR in the settings.
    """

    display_name = "Lotin → Кирилл"

    def __init__(self, options):
        self.options = options

    def can_translate(self, source_locale, target_locale) -> bool:
        return (
            source_locale.language_code == "uz"
            and target_locale.language_code == CyrillicPageMiddleware.LANGUAGE
        )

    def translate(self, source_locale, target_locale, strings):
        from wagtail_localize.strings import StringValue

        return {
            string: StringValue(html_to_cyrillic(string.data)) for string in strings
        }
