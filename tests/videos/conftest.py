"""Real clips for the video tests, generated once per test session with PyAV.

They are short (10 s at most) and small, so the whole videos suite stays fast on two
cores; the 720p clip is hard to compress (moving shapes over grain), so the encoder
has to hold its bitrate caps.
"""

import pytest

from videos.samples import (
    moving_pattern_write,
    silent_picture_write,
    sound_only_write,
)


@pytest.fixture(scope="session")
def clips(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clips")
    return {
        "hd": moving_pattern_write(folder / "hd.mp4", seconds=10),
        "small": moving_pattern_write(
            folder / "small.mp4", seconds=6, width=640, height=360
        ),
        "silent": silent_picture_write(folder / "silent.mp4"),
        "sound_only": sound_only_write(folder / "sound.m4a"),
    }


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
