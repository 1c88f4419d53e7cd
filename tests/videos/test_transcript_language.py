"""A transcript in another language than the page says so (issue 18): its words
carry their own lang, its heading stays in the reader's language, and a note names
the transcript's language."""

import re

import pytest
from django.core.management import call_command
from django.utils import translation

from tests.videos.test_services import lesson_with, ready_video  # noqa: F401

pytestmark = pytest.mark.django_db

NOTE = "These words are in another language: %(language)s."


def transcript(html: str) -> str:
    match = re.search(r'<section class="video-transcript".*?</section>', html, re.S)
    assert match
    return match.group(0)


def test_a_transcript_without_the_readers_captions_says_its_language(
    client,
    ready_video,  # noqa: F811
):
    lesson = lesson_with(ready_video)
    call_command("sync_locale_trees")
    path = lesson.url.replace("/uz/", "/kaa/", 1)
    section = transcript(client.get(path).content.decode())
    assert section.startswith('<section class="video-transcript" lang="kaa"')
    shown = re.search(r'<div lang="(uz|ru)">', section)
    assert shown, section
    with translation.override("kaa"):
        name = dict(ready_video.captions.model._meta.get_field("language").choices)[
            shown.group(1)
        ]
        assert translation.gettext(NOTE) % {"language": name} in section


def test_captions_in_the_readers_language_need_no_note(
    client,
    ready_video,  # noqa: F811
):
    lesson = lesson_with(ready_video)
    call_command("sync_locale_trees")
    for language in ("uz", "ru"):
        path = lesson.url.replace("/uz/", f"/{language}/", 1)
        section = transcript(client.get(path).content.decode())
        assert "content-note" not in section, language
        assert "<div><p>" in section, language
