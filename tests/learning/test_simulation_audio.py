"""A recording of the caller on a simulation's call screen, and "Read aloud" there.

The recording is a Wagtail document that must be a sound file; the screen shows the
browser's own player, which never plays by itself and fetches nothing before it is
pressed, and the caller's words stay written out beside it. The browser side of
"Read aloud" is tested in tests/e2e/test_simulation_browser.py.
"""

import re

import pytest
from django.core.files.base import ContentFile
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents import get_document_model

from tests.accounts.factories import user_create
from tests.learning.test_simulation import (
    bank_caller,
    clean,
    errors_of,
    lesson_with_simulation,
    messages,
    play_url,
)
from tests.support.i18n import uz

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def document(name: str, content: bytes = b"ID3 test"):
    return get_document_model().objects.create(
        title=name, file=ContentFile(content, name=name)
    )


def with_audio(document_id) -> dict:
    raw = bank_caller()
    raw["screens"][0]["value"]["audio"] = document_id
    return raw


def audio_tags(html: str) -> list[str]:
    return re.findall(r"<audio\b[^>]*>", html)


class CallAudioValidationTests:
    def test_a_call_without_a_recording_is_accepted(self):
        value = clean(bank_caller())
        assert value["screens"][0].value["audio"] is None

    @pytest.mark.parametrize("name", ["bank.mp3", "bank.M4A", "bank.ogg", "b.opus"])
    def test_a_sound_file_is_accepted(self, name):
        recording = document(name)
        value = clean(with_audio(recording.pk))
        assert value["screens"][0].value["audio"] == recording

    @pytest.mark.parametrize("name", ["guide.pdf", "notes.txt", "sheet.xlsx"])
    def test_a_document_that_is_not_sound_is_refused_on_its_field(self, name):
        error = errors_of(with_audio(document(name).pk))
        screen = error.block_errors["screens"].block_errors[0]
        assert list(screen.block_errors) == ["audio"]
        assert messages(screen.block_errors["audio"]) == [
            uz("This is not a sound file. Choose an MP3, M4A, OGG or Opus file.")
        ]

    def test_a_wrong_recording_is_refused_even_when_the_graph_is_sound(self):
        with pytest.raises(StructBlockValidationError):
            clean(with_audio(document("call.wav.pdf").pk))


class CallAudioScreenTests:
    def test_the_call_screen_plays_the_recording_only_when_asked(self, client):
        recording = document("bank.mp3")
        lesson, block_id = lesson_with_simulation(with_audio(recording.pk))
        client.force_login(user_create())
        html = client.get(play_url(lesson, block_id)).content.decode()
        tags = audio_tags(html)
        assert len(tags) == 1
        tag = tags[0]
        assert " controls" in tag
        assert 'preload="none"' in tag
        assert "autoplay" not in tag
        assert f'src="{recording.url}"' in tag
        label = re.search(r'aria-labelledby="([^"]+)"', tag).group(1)
        assert f'id="{label}">{uz("Hear the caller:")}<' in html
        # The words are still written out, for those who cannot hear them.
        assert "Kartangiz bloklandi. SMS kodni ayting." in html
        assert uz("The caller says:") in html

    def test_the_recording_is_served_as_sound(self, client):
        recording = document("bank.mp3", b"ID3 the caller")
        response = client.get(recording.url)
        assert response.status_code == 200
        assert response["Content-Type"] == "audio/mpeg"
        assert b"".join(response.streaming_content) == b"ID3 the caller"

    def test_a_call_without_a_recording_has_no_player(self, client):
        lesson, block_id = lesson_with_simulation()
        client.force_login(user_create())
        html = client.get(play_url(lesson, block_id)).content.decode()
        assert audio_tags(html) == []
        assert uz("Hear the caller:") not in html
        assert "Kartangiz bloklandi. SMS kodni ayting." in html

    def test_a_deleted_recording_leaves_the_words(self, client):
        recording = document("bank.mp3")
        lesson, block_id = lesson_with_simulation(with_audio(recording.pk))
        recording.delete()
        client.force_login(user_create())
        html = client.get(play_url(lesson, block_id)).content.decode()
        assert audio_tags(html) == []
        assert "Kartangiz bloklandi. SMS kodni ayting." in html

    def test_other_screens_have_no_player(self, client):
        lesson, block_id = lesson_with_simulation(with_audio(document("a.mp3").pk))
        client.force_login(user_create())
        url = play_url(lesson, block_id)
        client.post(
            url, {"action": "choose", "run": "", "screen": "call", "choice": "2"}
        )
        html = client.get(url).content.decode()
        assert "Kod: 4821" in html
        assert audio_tags(html) == []


class SimulationReadAloudMarkupTests:
    def test_every_screen_offers_read_aloud_of_the_phone_screen(self, client):
        lesson, block_id = lesson_with_simulation()
        client.force_login(user_create())
        url = play_url(lesson, block_id)
        call = client.get(url).content.decode()
        client.post(
            url, {"action": "choose", "run": "", "screen": "call", "choice": "2"}
        )
        sms = client.get(url).content.decode()
        assert "Kod: 4821" in sms
        for html in (call, sms):
            button = re.search(r"<button[^>]*data-read-aloud=[^>]*>", html).group(0)
            assert 'data-read-aloud=".phone-screen"' in button
            # Hidden until the script finds a voice; outside the part that changes.
            assert " hidden" in button
            assert html.index("data-read-aloud") < html.index("data-simulation-root")
            assert 'class="phone-screen"' in html
            assert "js/read-aloud.js" in html

    def test_a_visitor_gets_no_read_aloud_of_a_sign_in_invitation(self, client):
        lesson, block_id = lesson_with_simulation()
        html = client.get(play_url(lesson, block_id)).content.decode()
        assert "data-read-aloud" not in html
        assert "js/read-aloud.js" not in html
