"""Captions in the reader's script (issue 17): trainers write Uzbek captions in
Latin letters, and a lesson read in Uzbek Cyrillic plays them in Cyrillic, from an
address of their own so that every cache keeps the two apart. Captions in other
languages are sent as they were written."""

import re

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command

from core.transliteration import latin_to_cyrillic
from tests.support.videos import lesson_showing, ready_video_create
from videos.models import VideoCaption
from videos.webvtt import webvtt_parse, webvtt_words_rewrite

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

# Uzbek captions as a trainer writes them: a header line, a note, a named cue with
# settings, a voice tag, italics and a character reference.
VTT_UZ = (
    "WEBVTT - Koʻmak\n"
    "Kind: captions\n\n"
    "NOTE Telefon haqida\n\n"
    "salom\n"
    "00:00.000 --> 00:02.000 align:start line:0\n"
    "<v Nodira>Assalomu alaykum!</v>\n\n"
    "00:02.500 --> 00:04.000\n"
    "<i>Telefonni</i> oling &amp; qoʻngʻiroq qiling.\n"
)
VTT_UZ_IN_CYRILLIC = (
    "WEBVTT - Koʻmak\n"
    "Kind: captions\n\n"
    "NOTE Telefon haqida\n\n"
    "salom\n"
    "00:00.000 --> 00:02.000 align:start line:0\n"
    "<v Nodira>Ассалому алайкум!</v>\n\n"
    "00:02.500 --> 00:04.000\n"
    "<i>Телефонни</i> олинг &amp; қўнғироқ қилинг.\n"
)
VTT_RU = "WEBVTT\n\n00:00.000 --> 00:02.000\nЗдравствуйте!\n"
VTT_KAA = "WEBVTT\n\n00:00.000 --> 00:02.000\nAssalawma áleykum! Telefondı alıń.\n"
VTT_EN = "WEBVTT\n\n00:00.000 --> 00:02.000\nHello! Pick up the phone.\n"
TRANSCRIPT = re.compile(r'<section class="video-transcript".*?</section>', re.S)
LATIN_WORDS = ("Assalomu", "alaykum", "Telefonni", "oling", "qoʻngʻiroq", "qiling")


@pytest.fixture
def video():
    """A ready video in a published lesson, with captions in four languages."""
    video = ready_video_create()
    uzbek = video.captions.get(language="uz")
    uzbek.file.save("uz.vtt", ContentFile(VTT_UZ.encode()), save=True)
    for language, text in (("ru", VTT_RU), ("kaa", VTT_KAA), ("en", VTT_EN)):
        VideoCaption.objects.create(
            video=video,
            language=language,
            file=ContentFile(text.encode(), name=f"{language}.vtt"),
        )
    lesson_showing(video)
    return video


def caption_get(client, video, language: str, served_as: str):
    caption = video.captions.get(language=language)
    return client.get(f"/videos/captions/{caption.pk}/{served_as}.vtt")


class CyrillicCaptionFileTests:
    def test_uzbek_captions_asked_in_cyrillic_are_written_in_cyrillic(
        self, video, client
    ):
        response = caption_get(client, video, "uz", "uz-cyrl")
        assert response.status_code == 200
        text = response.content.decode()
        assert text == VTT_UZ_IN_CYRILLIC
        for word in LATIN_WORDS:
            assert word not in text
        # The same letters as the lesson pages get (core/transliteration.py).
        assert latin_to_cyrillic("Assalomu alaykum!") in text
        # Still valid WebVTT, with the same times.
        cues = webvtt_parse(text)
        assert [(cue.start, cue.end) for cue in cues] == [(0, 2), (2.5, 4)]

    def test_each_script_has_its_language_and_cache_rules(self, video, client):
        latin = caption_get(client, video, "uz", "uz")
        cyrillic = caption_get(client, video, "uz", "uz-cyrl")
        assert latin.content.decode() == VTT_UZ
        assert latin["Content-Language"] == "uz"
        assert cyrillic["Content-Language"] == "uz-cyrl"
        for response in (latin, cyrillic):
            assert response["Content-Type"] == "text/vtt; charset=utf-8"
            assert response["Cache-Control"] == (
                "public, max-age=300, stale-while-revalidate=86400"
            )
            # The language is in the address: no Vary on the reader's language.
            assert "Accept-Language" not in response.get("Vary", "")

    def test_captions_in_other_languages_are_not_made_cyrillic(self, video, client):
        for language, text in (("ru", VTT_RU), ("kaa", VTT_KAA), ("en", VTT_EN)):
            assert caption_get(client, video, language, language).content.decode() == (
                text
            )
            # Only Uzbek has a Cyrillic address.
            assert caption_get(client, video, language, "uz-cyrl").status_code == 404

    def test_the_cyrillic_address_follows_the_videos_access(self, video, client):
        lesson = video_lesson(video)
        lesson.unpublish()
        assert caption_get(client, video, "uz", "uz-cyrl").status_code == 404

    def test_unknown_languages_are_not_there(self, video, client):
        for served_as in ("uz-latn", "cyrl", "UZ-CYRL"):
            assert caption_get(client, video, "uz", served_as).status_code == 404


def video_lesson(video):
    from wagtail.models import Page, ReferenceIndex

    page_id = (
        ReferenceIndex.objects.filter(to_object_id=str(video.pk))
        .values_list("object_id", flat=True)
        .first()
    )
    return Page.objects.get(pk=page_id).specific


class WordsRewriteTests:
    def test_only_the_words_of_cues_change(self):
        assert webvtt_words_rewrite(VTT_UZ, latin_to_cyrillic) == VTT_UZ_IN_CYRILLIC

    def test_a_file_with_windows_line_ends_and_a_byte_order_mark(self):
        source = "\ufeff" + VTT_UZ.replace("\n", "\r\n")
        assert webvtt_words_rewrite(source, latin_to_cyrillic) == VTT_UZ_IN_CYRILLIC


class PlayerCaptionChoiceTests:
    def lesson_page(self, client, video, language: str) -> str:
        call_command("sync_locale_trees")
        path = video_lesson(video).url.replace("/uz/", f"/{language}/", 1)
        response = client.get(path)
        assert response.status_code == 200
        return response.content.decode()

    def tracks(self, html: str) -> dict[str, tuple[str, bool]]:
        found = {}
        for track in re.findall(r"<track [^>]*>", html):
            language = re.search(r'srclang="([^"]+)"', track).group(1)
            source = re.search(r'src="([^"]+)"', track).group(1)
            found[language] = (source, "data-default" in track)
        return found

    def test_a_cyrillic_reader_gets_the_cyrillic_captions_switched_on(
        self, video, client
    ):
        tracks = self.tracks(self.lesson_page(client, video, "uz-cyrl"))
        uzbek = video.captions.get(language="uz")
        assert tracks["uz-cyrl"] == (f"/videos/captions/{uzbek.pk}/uz-cyrl.vtt", True)
        assert "uz" not in tracks
        russian = video.captions.get(language="ru")
        assert tracks["ru"] == (f"/videos/captions/{russian.pk}/ru.vtt", False)
        # The address the page names gives Cyrillic.
        cyrillic = client.get(tracks["uz-cyrl"][0]).content.decode()
        assert cyrillic == VTT_UZ_IN_CYRILLIC

    def test_a_latin_reader_keeps_the_latin_captions(self, video, client):
        tracks = self.tracks(self.lesson_page(client, video, "uz"))
        uzbek = video.captions.get(language="uz")
        assert tracks["uz"] == (f"/videos/captions/{uzbek.pk}/uz.vtt", True)
        assert "uz-cyrl" not in tracks

    def test_the_cyrillic_transcript_is_cyrillic(self, video, client):
        html = self.lesson_page(client, video, "uz-cyrl")
        section = TRANSCRIPT.search(html)
        assert section
        assert "Ассалому алайкум!" in section.group(0)
        for word in LATIN_WORDS:
            assert word not in section.group(0)

    def test_a_foreign_transcript_on_a_cyrillic_page_keeps_its_letters(
        self, video, client
    ):
        video.captions.filter(language__in=["uz", "ru"]).delete()
        html = self.lesson_page(client, video, "uz-cyrl")
        section = TRANSCRIPT.search(html)
        assert section
        # The first captions left are Karakalpak: shown with their own letters.
        assert "Assalawma áleykum! Telefondı alıń." in section.group(0)
