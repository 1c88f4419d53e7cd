"""Turn a probed upload into an HLS ladder with PyAV, with no ffmpeg program.

The source is decoded once; every frame goes through one filter graph per rung
(scale, then a constant frame rate) into libx264, and the sound is resampled to
mono 48 kHz for each rung's AAC encoder. Each rung is first written as a plain MP4,
then copied packet by packet into fragmented-MP4 HLS segments by libavformat's HLS
muxer. The lowest rung's MP4 (with `faststart`) is the download.

Rate control: x264 with CRF and a VBV cap (`maxrate`, `bufsize` of one second), so
quiet slides cost little and busy scenes never pass the rung's cap. A keyframe every
two seconds exactly (a GOP of 2 × frame rate, no scene-cut keyframes): the first
two segments last 2 s, so play can start after little data, the others 6 s.

Everything is written into `work_dir`, which the caller moves into place only once
the whole ladder is there (see services.video_transcode).
"""

import json
import math
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import av
import av.filter

AUDIO_RATE = 48_000
GOP_SECONDS = 2
SEGMENT_SECONDS = 6
FIRST_SHORT_SEGMENTS = 2
AUDIO_CODEC = "mp4a.40.2"  # AAC-LC
MASTER_PLAYLIST = "master.m3u8"
MEDIA_PLAYLIST = "index.m3u8"
POSTER = "poster.jpg"
DOWNLOAD = "download.mp4"
MANIFEST = "ladder.json"


@dataclass(frozen=True)
class Rung:
    """One step of the ladder. `cap_kbps` is the most its segments may average, sound
    and container included; the encoder aims below it."""

    name: str
    height: int  # 0 for the sound-only rung
    max_fps: int
    video_maxrate_kbps: int
    audio_kbps: int
    cap_kbps: int


AUDIO_RUNG = Rung("audio", 0, 0, 0, 40, 48)
VIDEO_RUNGS = (
    # Apple's lowest tier is 145 kbps of video alone; ours keeps 165 kbps in all.
    Rung("234p", 234, 15, 100, 32, 165),
    Rung("360p", 360, 25, 330, 48, 440),
    Rung("720p", 720, 30, 1350, 64, 1650),
)


@dataclass
class Rendition:
    name: str
    kind: str  # "audio" or "video"
    playlist: str  # relative to the ladder folder
    width: int
    height: int
    frame_rate: float
    codecs: str
    bandwidth: int  # bits/s, the peak over segments (HLS BANDWIDTH)
    average_bandwidth: int  # bits/s over the whole rung
    total_bytes: int  # what playing it start to end downloads
    segments: int


@dataclass
class Ladder:
    duration: float
    source_width: int
    source_height: int
    renditions: list[Rendition]
    poster: str = POSTER
    download: str = DOWNLOAD
    download_bytes: int = 0
    master: str = MASTER_PLAYLIST

    def as_dict(self) -> dict:
        return asdict(self)


def rungs_for(*, width: int, height: int) -> list[Rung]:
    """The video rungs at or below the source's size; the lowest always, at most at
    the source's own height (never upscaled)."""
    chosen = [rung for rung in VIDEO_RUNGS if rung.height <= height]
    if not chosen:
        lowest = VIDEO_RUNGS[0]
        chosen = [
            Rung(
                lowest.name,
                height - height % 2,
                lowest.max_fps,
                lowest.video_maxrate_kbps,
                lowest.audio_kbps,
                lowest.cap_kbps,
            )
        ]
    return chosen


def _even(value: float) -> int:
    return max(2, int(round(value / 2)) * 2)


class _VideoOutput:
    """One rung being encoded: its MP4, its filter graph and encoders."""

    def __init__(self, rung: Rung, path: Path, source_video, source_fps: float):
        self.rung = rung
        self.path = path
        self.fps = min(rung.max_fps, max(1, round(source_fps)))
        source_width = source_video.codec_context.width
        source_height = source_video.codec_context.height
        self.height = rung.height
        self.width = _even(source_width * rung.height / source_height)
        self.container = av.open(
            str(path), mode="w", format="mp4", options={"movflags": "+faststart"}
        )
        self.video = self.container.add_stream("libx264", rate=self.fps)
        self.video.width = self.width
        self.video.height = self.height
        self.video.pix_fmt = "yuv420p"
        gop = self.fps * GOP_SECONDS
        maxrate = rung.video_maxrate_kbps
        self.video.options = {
            "preset": "veryfast",
            "profile": "main",
            "crf": "26",
            "maxrate": f"{maxrate}k",
            "bufsize": f"{maxrate}k",
            "g": str(gop),
            "keyint_min": str(gop),
            "sc_threshold": "0",
            "x264-params": f"keyint={gop}:min-keyint={gop}:scenecut=0:open-gop=0",
        }
        self.audio = self.container.add_stream("aac", rate=AUDIO_RATE, layout="mono")
        self.audio.bit_rate = rung.audio_kbps * 1000
        self.graph = av.filter.Graph()
        buffer = self.graph.add_buffer(template=source_video)
        scale = self.graph.add("scale", f"{self.width}:{self.height}")
        rate = self.graph.add("fps", f"fps={self.fps}")
        pixels = self.graph.add("format", "yuv420p")
        sink = self.graph.add("buffersink")
        buffer.link_to(scale)
        scale.link_to(rate)
        rate.link_to(pixels)
        pixels.link_to(sink)
        self.graph.configure()

    def video_frame(self, frame) -> None:
        self.graph.push(frame)
        self._drain()

    def _drain(self) -> None:
        while True:
            try:
                filtered = self.graph.pull()
            except (av.BlockingIOError, av.EOFError):
                return
            self.container.mux(self.video.encode(filtered))

    def audio_frame(self, frame) -> None:
        self.container.mux(self.audio.encode(frame))

    def close(self) -> None:
        self.graph.push(None)
        self._drain()
        self.container.mux(self.video.encode(None))
        self.container.mux(self.audio.encode(None))
        self.container.close()


class _AudioOutput:
    def __init__(self, rung: Rung, path: Path):
        self.rung = rung
        self.path = path
        self.container = av.open(str(path), mode="w", format="mp4")
        self.audio = self.container.add_stream("aac", rate=AUDIO_RATE, layout="mono")
        self.audio.bit_rate = rung.audio_kbps * 1000

    def video_frame(self, frame) -> None:
        return None

    def audio_frame(self, frame) -> None:
        self.container.mux(self.audio.encode(frame))

    def close(self) -> None:
        self.container.mux(self.audio.encode(None))
        self.container.close()


def _encode(
    *,
    source: Path,
    encode_dir: Path,
    duration: float,
    on_progress: Callable[[int], None],
) -> tuple[list[_VideoOutput | _AudioOutput], int, int]:
    with av.open(str(source)) as container:
        video = next(
            stream
            for stream in container.streams.video
            if not stream.disposition & av.stream.Disposition.attached_pic
        )
        audio = container.streams.audio[0]
        video.thread_type = "AUTO"
        width = video.codec_context.width
        height = video.codec_context.height
        source_fps = float(video.average_rate or video.guessed_rate or 25)
        outputs: list[_VideoOutput | _AudioOutput] = [
            _AudioOutput(AUDIO_RUNG, encode_dir / "audio.mp4")
        ]
        for rung in rungs_for(width=width, height=height):
            outputs.append(
                _VideoOutput(rung, encode_dir / f"{rung.name}.mp4", video, source_fps)
            )
        # One resampler: every rung gets the same mono 48 kHz frames of 1024 samples
        # (AAC's frame size), with timestamps counted in samples.
        resampler = av.AudioResampler(
            format="fltp", layout="mono", rate=AUDIO_RATE, frame_size=1024
        )
        reported = -1
        for packet in container.demux(video, audio):
            for frame in packet.decode():
                if packet.stream.type == "video":
                    for output in outputs:
                        output.video_frame(frame)
                    if frame.time is not None and duration:
                        percent = min(95, int(95 * frame.time / duration))
                        if percent >= reported + 5:
                            reported = percent
                            on_progress(percent)
                else:
                    for resampled in resampler.resample(frame):
                        for output in outputs:
                            output.audio_frame(resampled)
        for resampled in resampler.resample(None):
            for output in outputs:
                output.audio_frame(resampled)
        for output in outputs:
            output.close()
    return outputs, width, height


def _package(mp4: Path, rung_dir: Path, *, sound_only: bool) -> None:
    """Copy an MP4's packets into fMP4 HLS segments (no re-encoding): a 2-second
    piece per keyframe first, then regrouped (see `_regroup`)."""
    rung_dir.mkdir()
    # Video is cut at its keyframes, exactly every 2 s. Sound alone is cut at the
    # first AAC frame (21.3 ms) past the target: aim a little early to stay within.
    piece_seconds = GOP_SECONDS - 0.02 if sound_only else GOP_SECONDS
    options = {
        "hls_time": str(piece_seconds),
        "hls_playlist_type": "vod",
        "hls_segment_type": "fmp4",
        "hls_fmp4_init_filename": "init.mp4",
        "hls_segment_filename": str(rung_dir / "piece%04d.m4s"),
        "hls_flags": "independent_segments",
    }
    with (
        av.open(str(mp4)) as source,
        av.open(
            str(rung_dir / MEDIA_PLAYLIST), mode="w", format="hls", options=options
        ) as target,
    ):
        streams = {
            stream.index: target.add_stream_from_template(stream)
            for stream in source.streams
        }
        for packet in source.demux():
            if packet.dts is None:
                continue
            packet.stream = streams[packet.stream.index]
            target.mux(packet)
    _regroup(rung_dir)


def _regroup(rung_dir: Path) -> None:
    """Join the 2-second pieces into segments: the first two stay short, so that a
    player can start after little data (Chromium's own HLS player waits for two
    segments), then up to 6 s each, so that a slow link with a 2 s round trip keeps
    up. A media segment may hold several fragments (moof+mdat) one after another.
    """
    init, pieces = media_playlist_segments(rung_dir / MEDIA_PLAYLIST)
    groups: list[list[tuple[str, float]]] = []
    for uri, seconds in pieces:
        current = groups[-1] if groups else None
        if (
            current is None
            or len(groups) <= FIRST_SHORT_SEGMENTS
            or sum(length for _uri, length in current) + seconds
            > SEGMENT_SECONDS + 1e-3
        ):
            groups.append([(uri, seconds)])
        else:
            current.append((uri, seconds))
    # A last sliver (sound runs a few AAC frames past the picture) would be mostly
    # container overhead: give it the previous segment's last piece.
    if (
        len(groups) > FIRST_SHORT_SEGMENTS + 1
        and sum(length for _uri, length in groups[-1]) < 1
        and len(groups[-2]) > 1
    ):
        groups[-1].insert(0, groups[-2].pop())
    lines = [
        "#EXTM3U",
        "#EXT-X-VERSION:7",
        f"#EXT-X-TARGETDURATION:{SEGMENT_SECONDS}",
        "#EXT-X-MEDIA-SEQUENCE:0",
        "#EXT-X-PLAYLIST-TYPE:VOD",
        "#EXT-X-INDEPENDENT-SEGMENTS",
        f'#EXT-X-MAP:URI="{init}"',
    ]
    for number, group in enumerate(groups):
        name = f"seg{number:03d}.m4s"
        with (rung_dir / name).open("wb") as segment:
            for uri, _seconds in group:
                segment.write((rung_dir / uri).read_bytes())
        lines += [
            f"#EXTINF:{sum(length for _uri, length in group):.6f},",
            name,
        ]
    lines.append("#EXT-X-ENDLIST")
    (rung_dir / MEDIA_PLAYLIST).write_text("\n".join(lines) + "\n")
    for uri, _seconds in pieces:
        (rung_dir / uri).unlink()


def media_playlist_segments(
    playlist: Path,
) -> tuple[str | None, list[tuple[str, float]]]:
    """The init segment and the (uri, seconds) of each segment of a media playlist."""
    init = None
    segments = []
    duration = None
    for line in playlist.read_text().splitlines():
        if line.startswith("#EXT-X-MAP:"):
            init = line.split('URI="', 1)[1].split('"', 1)[0]
        elif line.startswith("#EXTINF:"):
            duration = float(line[len("#EXTINF:") :].split(",", 1)[0])
        elif line and not line.startswith("#"):
            segments.append((line, duration))
            duration = None
    return init, segments


def _measure(rung_dir: Path) -> tuple[int, int, int, int]:
    """Peak and average bits/s of the segments, bytes to play it all, segment count."""
    init, segments = media_playlist_segments(rung_dir / MEDIA_PLAYLIST)
    init_bytes = (rung_dir / init).stat().st_size if init else 0
    sizes = [(rung_dir / uri).stat().st_size for uri, _seconds in segments]
    seconds = [duration for _uri, duration in segments]
    peak = max(size * 8 / length for size, length in zip(sizes, seconds, strict=True))
    average = sum(sizes) * 8 / sum(seconds)
    return math.ceil(peak), math.ceil(average), init_bytes + sum(sizes), len(sizes)


def _avc_codec(mp4: Path) -> str:
    """RFC 6381 codec string of the H.264 stream, from its avcC record."""
    with av.open(str(mp4)) as container:
        extradata = container.streams.video[0].codec_context.extradata
    profile, compatibility, level = extradata[1], extradata[2], extradata[3]
    return f"avc1.{profile:02x}{compatibility:02x}{level:02x}"


def _poster(source: Path, target: Path, *, duration: float) -> None:
    """A JPEG of the picture one second in (or a third of a short video), at most
    640 pixels wide: small enough to show before the learner presses play."""
    moment = min(1.0, duration / 3)
    with av.open(str(source)) as container:
        stream = container.streams.video[0]
        container.seek(int(moment / stream.time_base), stream=stream)
        image = None
        for frame in container.decode(stream):
            image = frame.to_image()
            if frame.time is None or frame.time >= moment:
                break
    image.thumbnail((640, 640))
    image.save(target, format="JPEG", quality=70, optimize=True)


def _master(renditions: list[Rendition]) -> str:
    lines = ["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-INDEPENDENT-SEGMENTS"]
    for rendition in renditions:
        attributes = [
            f"BANDWIDTH={rendition.bandwidth}",
            f"AVERAGE-BANDWIDTH={rendition.average_bandwidth}",
        ]
        if rendition.kind == "video":
            attributes += [
                f"RESOLUTION={rendition.width}x{rendition.height}",
                f"FRAME-RATE={rendition.frame_rate:.3f}",
            ]
        attributes.append(f'CODECS="{rendition.codecs}"')
        lines += [f"#EXT-X-STREAM-INF:{','.join(attributes)}", rendition.playlist]
    return "\n".join(lines) + "\n"


def ladder_build(
    *,
    source: Path,
    work_dir: Path,
    duration: float,
    on_progress: Callable[[int], None] = lambda percent: None,
) -> Ladder:
    """Write the whole ladder for `source` into the empty folder `work_dir`."""
    encode_dir = work_dir / "_encode"
    encode_dir.mkdir(parents=True)
    outputs, width, height = _encode(
        source=source, encode_dir=encode_dir, duration=duration, on_progress=on_progress
    )
    renditions = []
    for output in outputs:
        rung_dir = work_dir / output.rung.name
        is_video = isinstance(output, _VideoOutput)
        _package(output.path, rung_dir, sound_only=not is_video)
        peak, average, total, count = _measure(rung_dir)
        renditions.append(
            Rendition(
                name=output.rung.name,
                kind="video" if is_video else "audio",
                playlist=f"{output.rung.name}/{MEDIA_PLAYLIST}",
                width=output.width if is_video else 0,
                height=output.height if is_video else 0,
                frame_rate=output.fps if is_video else 0,
                codecs=(
                    f"{_avc_codec(output.path)},{AUDIO_CODEC}"
                    if is_video
                    else AUDIO_CODEC
                ),
                bandwidth=peak,
                average_bandwidth=average,
                total_bytes=total,
                segments=count,
            )
        )
    on_progress(97)
    # Video rungs lowest first, then sound only (players that cannot use a
    # sound-only variant skip it; the page offers it as "Data saver").
    renditions.sort(key=lambda rendition: (rendition.kind == "audio", rendition.height))
    (work_dir / MASTER_PLAYLIST).write_text(_master(renditions))
    _poster(source, work_dir / POSTER, duration=duration)
    lowest = next(output for output in outputs if isinstance(output, _VideoOutput))
    shutil.move(lowest.path, work_dir / DOWNLOAD)
    shutil.rmtree(encode_dir)
    ladder = Ladder(
        duration=duration,
        source_width=width,
        source_height=height,
        renditions=renditions,
        download_bytes=(work_dir / DOWNLOAD).stat().st_size,
    )
    (work_dir / MANIFEST).write_text(json.dumps(ladder.as_dict(), indent=2))
    return ladder
