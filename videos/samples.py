"""Make real video files with PyAV and Pillow: the demo lesson's narrated slides, and
the clips that tests and benchmarks feed through the pipeline.

The demo narration is spoken by `espeak-ng` (a Debian package). Where it is missing,
the narration is replaced by a soft tone and `narrated_slides_write` says so in its
result, so `make run` still works.
"""

import math
import shutil
import struct
import subprocess
import tempfile
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
from PIL import Image, ImageDraw, ImageFont

AUDIO_RATE = 48_000
FONT_PATHS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)


def _font(size: int):
    for path in FONT_PATHS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def tone_samples(*, seconds: float, rate: int = AUDIO_RATE) -> bytes:
    """Mono signed 16-bit samples: a tone whose pitch rises and falls, so the audio
    encoder has real work to do."""
    count = int(seconds * rate)
    phase = 0.0
    samples = []
    for index in range(count):
        pitch = 330 + 110 * math.sin(2 * math.pi * index / rate / 3)
        phase += 2 * math.pi * pitch / rate
        samples.append(int(6000 * math.sin(phase)))
    return struct.pack(f"<{count}h", *samples)


def _audio_frames(pcm: bytes, *, rate: int = AUDIO_RATE, chunk: int = 1024):
    total = len(pcm) // 2
    for start in range(0, total, chunk):
        samples = min(chunk, total - start)
        frame = av.AudioFrame(format="s16", layout="mono", samples=samples)
        frame.planes[0].update(pcm[start * 2 : (start + samples) * 2])
        frame.sample_rate = rate
        frame.pts = start
        frame.time_base = Fraction(1, rate)
        yield frame


def _write(
    path: Path,
    *,
    pictures,
    seconds: float,
    width: int,
    height: int,
    fps: int,
    pcm: bytes | None,
) -> None:
    """Encode `pictures(index) -> PIL.Image` and mono PCM into an H.264/AAC MP4."""
    with av.open(str(path), mode="w", format="mp4") as container:
        video = container.add_stream("libx264", rate=fps)
        video.width = width
        video.height = height
        video.pix_fmt = "yuv420p"
        video.options = {"preset": "ultrafast", "crf": "20"}
        audio = None
        if pcm is not None:
            audio = container.add_stream("aac", rate=AUDIO_RATE, layout="mono")
            audio.bit_rate = 96_000
        resampler = av.AudioResampler(format="fltp", layout="mono", rate=AUDIO_RATE)
        for index in range(int(seconds * fps)):
            frame = av.VideoFrame.from_image(pictures(index))
            frame.pts = index
            frame.time_base = Fraction(1, fps)
            container.mux(video.encode(frame))
        container.mux(video.encode(None))
        if audio is not None:
            for frame in _audio_frames(pcm):
                for resampled in resampler.resample(frame):
                    container.mux(audio.encode(resampled))
            for resampled in resampler.resample(None):
                container.mux(audio.encode(resampled))
            container.mux(audio.encode(None))


def moving_pattern_write(
    path: Path,
    *,
    seconds: float = 10,
    width: int = 1280,
    height: int = 720,
    fps: int = 25,
    audio: bool = True,
) -> Path:
    """A clip that is hard to compress (moving shapes over grain) with a tone: the
    encoder must hold its bitrate caps on it."""
    grain = Image.effect_noise((width, height), 40).convert("RGB")
    font = _font(max(height // 10, 12))

    def picture(index: int) -> Image.Image:
        image = Image.new("RGB", (width, height), (20, 60 + index % 120, 110))
        offset = (index * 7) % width
        shifted = Image.new("RGB", (width, height))
        shifted.paste(grain, (offset - width, 0))
        shifted.paste(grain, (offset, 0))
        image = Image.blend(image, shifted, 0.35)
        draw = ImageDraw.Draw(image)
        x = (index * 11) % max(width - height // 3, 1)
        draw.ellipse((x, height // 3, x + height // 3, 2 * height // 3), fill="white")
        draw.text((width // 20, height // 20), f"{index / fps:5.1f} s", font=font)
        return image

    pcm = tone_samples(seconds=seconds) if audio else None
    _write(
        path,
        pictures=picture,
        seconds=seconds,
        width=width,
        height=height,
        fps=fps,
        pcm=pcm,
    )
    return path


def silent_picture_write(path: Path, *, seconds: float = 3) -> Path:
    """A video without a sound track (refused by the probe)."""
    return moving_pattern_write(
        path, seconds=seconds, width=320, height=180, audio=False
    )


def sound_only_write(path: Path, *, seconds: float = 3) -> Path:
    """An M4A file: sound and no picture (refused by the probe)."""
    with av.open(str(path), mode="w", format="mp4") as container:
        audio = container.add_stream("aac", rate=AUDIO_RATE, layout="mono")
        resampler = av.AudioResampler(format="fltp", layout="mono", rate=AUDIO_RATE)
        for frame in _audio_frames(tone_samples(seconds=seconds)):
            for resampled in resampler.resample(frame):
                container.mux(audio.encode(resampled))
        container.mux(audio.encode(None))
    return path


@dataclass(frozen=True)
class Narration:
    slides: list[str]
    speech: str
    language: str  # an espeak-ng voice, for example "uz"


@dataclass(frozen=True)
class NarratedVideo:
    path: Path
    spoken: bool  # False: espeak-ng was missing and a tone stands in for the voice
    cues: list[tuple[float, float, str]]  # (start, end, text) for captions


def _speak(text: str, *, voice: str) -> bytes | None:
    """Mono 48 kHz PCM of `text` spoken by espeak-ng, or None without espeak-ng."""
    program = shutil.which("espeak-ng")
    if program is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        wav = Path(folder) / "speech.wav"
        subprocess.run(  # noqa: S603 - fixed program, text passed as one argument
            [program, "-v", voice, "-s", "140", "-w", str(wav), text],
            check=True,
            capture_output=True,
            timeout=60,
        )
        resampler = av.AudioResampler(format="s16", layout="mono", rate=AUDIO_RATE)
        chunks = []
        with av.open(str(wav)) as container:
            for frame in container.decode(audio=0):
                for resampled in resampler.resample(frame):
                    chunks.append(bytes(resampled.planes[0])[: resampled.samples * 2])
        for resampled in resampler.resample(None):
            chunks.append(bytes(resampled.planes[0])[: resampled.samples * 2])
        return b"".join(chunks)


def narrated_slides_write(
    path: Path, *, narration: Narration, width: int = 640, height: int = 360
) -> NarratedVideo:
    """Slides with large text, one per sentence of speech, narrated by espeak-ng."""
    parts = [_speak(line, voice=narration.language) for line in narration.slides]
    spoken = all(part is not None for part in parts)
    pause = b"\0\0" * (AUDIO_RATE // 2)
    if not spoken:
        parts = [
            tone_samples(seconds=max(2.0, len(sentence) / 14))
            for sentence in narration.slides
        ]
    cues = []
    pcm = b""
    for sentence, part in zip(narration.slides, parts, strict=True):
        start = len(pcm) / 2 / AUDIO_RATE
        pcm += part + pause
        cues.append((start, len(pcm) / 2 / AUDIO_RATE, sentence))
    seconds = len(pcm) / 2 / AUDIO_RATE
    fps = 25
    font = _font(30)
    slide_images = []
    for number, sentence in enumerate(narration.slides, start=1):
        image = Image.new("RGB", (width, height), (11, 94, 74))
        draw = ImageDraw.Draw(image)
        draw.rectangle((0, 0, width, 56), fill=(255, 255, 255))
        draw.text(
            (20, 12),
            f"Koʻmak · {number}/{len(narration.slides)}",
            font=font,
            fill=(11, 94, 74),
        )
        lines, line = [], ""
        for word in sentence.split():
            trial = f"{line} {word}".strip()
            if draw.textlength(trial, font=font) > width - 60 and line:
                lines.append(line)
                line = word
            else:
                line = trial
        lines.append(line)
        for row, text in enumerate(lines):
            draw.text((30, 90 + row * 42), text, font=font, fill="white")
        slide_images.append(image)

    def picture(index: int) -> Image.Image:
        moment = index / fps
        for (start, end, _text), image in zip(cues, slide_images, strict=True):
            if start <= moment < end:
                return image
        return slide_images[-1]

    _write(
        path,
        pictures=picture,
        seconds=seconds,
        width=width,
        height=height,
        fps=fps,
        pcm=pcm,
    )
    return NarratedVideo(path=path, spoken=spoken, cues=cues)


def webvtt_from_cues(cues: list[tuple[float, float, str]]) -> str:
    def stamp(seconds: float) -> str:
        millis = round(seconds * 1000)
        hours, millis = divmod(millis, 3_600_000)
        minutes, millis = divmod(millis, 60_000)
        secs, millis = divmod(millis, 1000)
        return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"

    blocks = ["WEBVTT", ""]
    for start, end, text in cues:
        blocks += [f"{stamp(start)} --> {stamp(end)}", text, ""]
    return "\n".join(blocks)
