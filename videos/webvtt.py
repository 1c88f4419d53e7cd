"""A strict reader for WebVTT caption files (https://www.w3.org/TR/webvtt1/).

Trainers upload captions by hand, so a mistake is explained with its line number
instead of a player silently showing nothing. The cues also make the transcript.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

TIMESTAMP = r"(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})"
TIMING = re.compile(rf"^{TIMESTAMP}[ \t]+-->[ \t]+{TIMESTAMP}(?:[ \t]+.*)?$")
TAG = re.compile(r"<[^>]*>")


class WebVttError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str  # tags removed: what is said


def _seconds(hours, minutes, seconds, millis) -> float:
    whole = int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
    return whole + int(millis) / 1000


def webvtt_parse(data: bytes | str, *, max_cues: int | None = None) -> list[Cue]:
    """The cues of a WebVTT file, or WebVttError saying what is wrong and where.

    With `max_cues`, a file with more cues is refused as soon as one too many is
    found (an upload's limit; the work stops there)."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise WebVttError(
                _("The captions file must be saved as UTF-8 text.")
            ) from error
    text = data.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    header = lines[0]
    if not (header == "WEBVTT" or header.startswith(("WEBVTT ", "WEBVTT\t"))):
        raise WebVttError(
            _("This is not a WebVTT file: its first line must be WEBVTT.")
        )
    cues: list[Cue] = []
    # Lines right under WEBVTT, up to the first blank line, belong to the header.
    number = 1
    while number < len(lines) and lines[number].strip() != "":
        number += 1
    while number < len(lines):
        while number < len(lines) and lines[number].strip() == "":
            number += 1
        block_start = number
        block = []
        while number < len(lines) and lines[number].strip() != "":
            block.append(lines[number])
            number += 1
        if not block:
            continue
        if block[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        timing_index = 0 if "-->" in block[0] else 1
        if timing_index >= len(block) or "-->" not in block[timing_index]:
            raise WebVttError(
                _(
                    "Line %(line)s: a cue must start with its times, like "
                    "00:00:01.000 --> 00:00:04.000."
                )
                % {"line": block_start + 1}
            )
        timing_line = block_start + timing_index + 1
        match = TIMING.match(block[timing_index].strip())
        if match is None:
            raise WebVttError(
                _(
                    "Line %(line)s: the times are not written like "
                    "00:00:01.000 --> 00:00:04.000."
                )
                % {"line": timing_line}
            )
        start = _seconds(*match.groups()[:4])
        end = _seconds(*match.groups()[4:])
        if end <= start:
            raise WebVttError(
                _("Line %(line)s: the cue ends before it starts.")
                % {"line": timing_line}
            )
        if cues and start < cues[-1].start:
            raise WebVttError(
                _("Line %(line)s: the cues are not in time order.")
                % {"line": timing_line}
            )
        words = " ".join(
            TAG.sub("", line).strip() for line in block[timing_index + 1 :]
        ).strip()
        if not words:
            raise WebVttError(
                _("Line %(line)s: this cue has no words.") % {"line": timing_line}
            )
        if max_cues is not None and len(cues) >= max_cues:
            raise WebVttError(
                _(
                    "The captions file has too many cues (pieces of text with their "
                    "times): at most %(limit)s are allowed. Join short cues, or split "
                    "the video into parts."
                )
                % {"limit": max_cues}
            )
        cues.append(Cue(start=start, end=end, text=words))
    if not cues:
        raise WebVttError(_("The captions file has no cues."))
    return cues


# In a cue's text: a tag (<i>, <v Aziz>, <00:00:05.000>) or a character reference
# (&amp;), which are markup, not words.
MARKUP = re.compile(r"<[^>]*>|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")


def webvtt_words_rewrite(text: str, rewrite: Callable[[str], str]) -> str:
    """A WebVTT file with the words of its cues passed through `rewrite`, and all
    else (the header, notes, styles, cue names, times and settings, tags and
    character references) as it was. The file is assumed valid (`webvtt_parse`)."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    in_cue = False
    skipping = True  # the header block, then any NOTE, STYLE or REGION block
    for index, line in enumerate(lines):
        if line.strip() == "":
            in_cue = skipping = False
        elif in_cue:
            pieces = MARKUP.split(line)
            tags = MARKUP.findall(line)
            rewritten = [rewrite(piece) if piece else piece for piece in pieces]
            lines[index] = "".join(
                part
                for pair in zip(rewritten, [*tags, ""], strict=True)
                for part in pair
            )
        elif skipping:
            continue
        elif "-->" in line:
            in_cue = True
        elif line.startswith(("NOTE", "STYLE", "REGION")):
            skipping = True
    return "\n".join(lines)


def transcript_paragraphs(cues: list[Cue], *, pause: float = 1.5) -> list[str]:
    """The cues' words as paragraphs, a new one after each pause in speech."""
    paragraphs: list[list[str]] = []
    previous_end = None
    for cue in cues:
        if previous_end is None or cue.start - previous_end > pause:
            paragraphs.append([])
        paragraphs[-1].append(cue.text)
        previous_end = cue.end
    return [" ".join(words) for words in paragraphs]
