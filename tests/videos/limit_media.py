"""Tiny real videos for the upload-limit tests, written with PyAV in the test run.

Plain coloured pictures (a new colour each frame) with a quiet tone: the probe reads
real packets and decodes real frames, and each clip takes a fraction of a second to
make. `duration_header_falsify` then makes a file's header claim a shorter length
than its packets play for.
"""

import math
import struct
from fractions import Fraction
from pathlib import Path

import av
from PIL import Image

AUDIO_RATE = 48_000
ENCODER_PIXELS = {"mjpeg": "yuvj420p"}


def clip_write(
    path: Path,
    *,
    seconds: float = 1,
    width: int = 160,
    height: int = 90,
    fps: int = 10,
    video_codec: str = "libx264",
    audio_codec: str = "aac",
    container_format: str = "mp4",
) -> Path:
    """Write a clip with picture and sound in the given codecs and container."""
    with av.open(str(path), mode="w", format=container_format) as container:
        video = container.add_stream(video_codec, rate=fps)
        video.width = width
        video.height = height
        video.pix_fmt = ENCODER_PIXELS.get(video_codec, "yuv420p")
        if video_codec == "libx264":
            video.options = {"preset": "ultrafast"}
        audio = container.add_stream(audio_codec, rate=AUDIO_RATE, layout="mono")
        audio.codec_context.open()
        frame_size = audio.codec_context.frame_size or 1024
        sample_format = audio.codec_context.format.name
        for index in range(round(seconds * fps)):
            shade = (index * 37) % 256
            picture = Image.new("RGB", (width, height), (shade, 90, 255 - shade))
            frame = av.VideoFrame.from_image(picture)
            frame.pts = index
            frame.time_base = Fraction(1, fps)
            container.mux(video.encode(frame))
        container.mux(video.encode(None))
        resampler = av.AudioResampler(
            format=sample_format, layout="mono", rate=AUDIO_RATE, frame_size=frame_size
        )
        total = round(seconds * AUDIO_RATE)
        tone = struct.pack(
            f"<{total}h",
            *(
                int(3000 * math.sin(2 * math.pi * 440 * n / AUDIO_RATE))
                for n in range(total)
            ),
        )
        chunk = 4800
        for start in range(0, total, chunk):
            samples = min(chunk, total - start)
            frame = av.AudioFrame(format="s16", layout="mono", samples=samples)
            frame.planes[0].update(tone[start * 2 : (start + samples) * 2])
            frame.sample_rate = AUDIO_RATE
            frame.pts = start
            frame.time_base = Fraction(1, AUDIO_RATE)
            for resampled in resampler.resample(frame):
                container.mux(audio.encode(resampled))
        for resampled in resampler.resample(None):
            container.mux(audio.encode(resampled))
        container.mux(audio.encode(None))
    return path


def _box_durations_divide(data: bytearray, box: bytes, offset: int, by: int) -> None:
    # Version 0 boxes: the 32-bit duration sits `offset` bytes after the box type.
    position = data.find(box)
    while position >= 0:
        assert data[position + 4] == 0, "a version 1 box (64-bit times)"
        field = position + 4 + offset
        (value,) = struct.unpack(">I", data[field : field + 4])
        data[field : field + 4] = struct.pack(">I", max(1, value // by))
        position = data.find(box, position + 4)


def duration_header_falsify(path: Path, *, by: int) -> Path:
    """Make the header say the clip lasts `by` times less than it plays.

    Matroska: the segment's Duration element (0x4489, an 8-byte float in ms).
    MP4: the durations in mvhd, each tkhd and each mdhd; the sample tables, which
    give every packet its time, stay true."""
    data = bytearray(path.read_bytes())
    if path.suffix == ".mkv":
        position = data.find(b"\x44\x89\x88")
        assert position >= 0, "no 8-byte Duration element"
        (milliseconds,) = struct.unpack(">d", data[position + 3 : position + 11])
        data[position + 3 : position + 11] = struct.pack(">d", milliseconds / by)
    else:
        _box_durations_divide(data, b"mvhd", 16, by)
        _box_durations_divide(data, b"tkhd", 20, by)
        _box_durations_divide(data, b"mdhd", 16, by)
    path.write_bytes(data)
    return path
