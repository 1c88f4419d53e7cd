"""The demo lesson video: narrated slides spoken by espeak-ng (a tone where it is
missing), with captions made from the same sentences."""

import shutil
import struct

import av

from demo.video import NARRATION
from tests.support.parts import require
from videos.samples import Narration, narrated_slides_write, webvtt_from_cues
from videos.webvtt import webvtt_parse

SHORT = Narration(
    slides=["Assalomu alaykum!", "Telefonni quvvatlang."], speech="", language="uz"
)


def loudest_sample(path) -> int:
    """The loudest sample of the sound track, on a 16-bit scale."""
    resampler = av.AudioResampler(format="s16", layout="mono", rate=48_000)
    peak = 0
    with av.open(str(path)) as container:
        for frame in container.decode(audio=0):
            for resampled in resampler.resample(frame):
                data = bytes(resampled.planes[0])[: resampled.samples * 2]
                values = struct.unpack(f"<{resampled.samples}h", data)
                peak = max(peak, max((abs(value) for value in values), default=0))
    return peak


class DemoVideoTests:
    def test_the_narration_is_spoken_by_espeak_ng(self, tmp_path):
        require(
            shutil.which("espeak-ng") is not None,
            "espeak-ng is not installed (apt-get install espeak-ng)",
        )
        made = narrated_slides_write(tmp_path / "demo.mp4", narration=SHORT)
        assert made.spoken
        with av.open(str(made.path)) as container:
            assert container.streams.video[0].codec_context.height == 360
            assert container.streams.audio
        assert loudest_sample(made.path) > 1000
        assert [cue[2] for cue in made.cues] == SHORT.slides

    def test_without_espeak_ng_a_tone_stands_in(self, tmp_path, monkeypatch):
        monkeypatch.setenv("PATH", str(tmp_path))  # no espeak-ng on this PATH
        made = narrated_slides_write(tmp_path / "demo.mp4", narration=SHORT)
        assert not made.spoken
        assert loudest_sample(made.path) > 1000

    def test_captions_from_the_cues_are_valid_webvtt(self, tmp_path):
        cues = [(0.0, 2.5, "Assalomu alaykum!"), (2.5, 61.25, "Telefonni oling.")]
        parsed = webvtt_parse(webvtt_from_cues(cues))
        assert [(cue.start, cue.end, cue.text) for cue in parsed] == cues

    def test_the_demo_narration_is_a_short_lesson(self):
        assert 3 <= len(NARRATION.slides) <= 8
