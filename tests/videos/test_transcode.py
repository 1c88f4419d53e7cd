"""The HLS ladder made from a real 10-second 720p clip with sound, checked from the
outside: playlists parsed by the `m3u8` package, rungs decoded by PyAV, bitrates
measured from the segments' bytes and durations, keyframes read from the packets.
"""

import io
import json
from pathlib import Path

import av
import m3u8
import pytest
from PIL import Image

from videos.transcode import AUDIO_RUNG, VIDEO_RUNGS, ladder_build, rungs_for

CAPS_KBPS = {rung.name: rung.cap_kbps for rung in (*VIDEO_RUNGS, AUDIO_RUNG)}
HEIGHTS = {"234p": 234, "360p": 360, "720p": 720}


@pytest.fixture(scope="module")
def ladder(clips, tmp_path_factory):
    folder = tmp_path_factory.mktemp("ladder") / "build"
    progress = []
    result = ladder_build(
        source=clips["hd"], work_dir=folder, duration=10.0, on_progress=progress.append
    )
    return folder, result, progress


def media_playlists(folder: Path) -> dict[str, m3u8.M3U8]:
    master = m3u8.load(str(folder / "master.m3u8"))
    return {
        playlist.uri.split("/")[0]: m3u8.load(str(folder / playlist.uri))
        for playlist in master.playlists
    }


def rung_bytes(folder: Path, name: str) -> bytes:
    """The rung as one fragmented MP4: init segment then every media segment."""
    playlist = m3u8.load(str(folder / name / "index.m3u8"))
    data = (folder / name / playlist.segment_map[0].uri).read_bytes()
    for segment in playlist.segments:
        data += (folder / name / segment.uri).read_bytes()
    return data


class LadderShapeTests:
    def test_master_playlist_lists_every_rung_with_bandwidth_resolution_codecs(
        self, ladder
    ):
        folder, _, _ = ladder
        master = m3u8.load(str(folder / "master.m3u8"))
        assert master.is_variant
        by_name = {
            playlist.uri.split("/")[0]: playlist for playlist in master.playlists
        }
        assert set(by_name) == {"234p", "360p", "720p", "audio"}
        for name, playlist in by_name.items():
            info = playlist.stream_info
            assert info.bandwidth > 0
            codecs = info.codecs.split(",")
            assert "mp4a.40.2" in codecs
            if name == "audio":
                assert info.resolution is None
                assert codecs == ["mp4a.40.2"]
            else:
                width, height = info.resolution
                assert height == HEIGHTS[name]
                assert abs(width / height - 16 / 9) < 0.02
                assert any(codec.startswith("avc1.") for codec in codecs)

    def test_bandwidth_is_at_least_the_busiest_segment(self, ladder):
        folder, _, _ = ladder
        master = m3u8.load(str(folder / "master.m3u8"))
        for playlist in master.playlists:
            media = m3u8.load(str(folder / playlist.uri))
            rung_dir = (folder / playlist.uri).parent
            peak = max(
                (rung_dir / segment.uri).stat().st_size * 8 / segment.duration
                for segment in media.segments
            )
            assert playlist.stream_info.bandwidth >= peak

    def test_segments_last_six_seconds_or_less(self, ladder):
        folder, _, _ = ladder
        for name, playlist in media_playlists(folder).items():
            assert playlist.is_endlist, name
            assert playlist.target_duration <= 6, name
            assert playlist.segment_map, f"{name} has no init segment"
            durations = [segment.duration for segment in playlist.segments]
            assert len(durations) >= 2, name
            assert max(durations) <= 6.0, (name, durations)
            assert sum(durations) == pytest.approx(10.0, abs=0.25), name

    def test_the_first_two_segments_are_short_so_play_starts_early(self, ladder):
        folder, _, _ = ladder
        for name, playlist in media_playlists(folder).items():
            first = [segment.duration for segment in playlist.segments[:2]]
            assert first == [pytest.approx(2.0, abs=0.05)] * 2, (name, first)

    def test_each_rung_within_its_bitrate_cap_measured_from_segments(self, ladder):
        folder, _, _ = ladder
        for name, playlist in media_playlists(folder).items():
            cap = CAPS_KBPS[name] * 1000
            total_bits = 0
            for segment in playlist.segments:
                bits = (folder / name / segment.uri).stat().st_size * 8
                total_bits += bits
                assert bits / segment.duration <= cap, (name, segment.uri)
            seconds = sum(segment.duration for segment in playlist.segments)
            assert total_bits / seconds <= cap, name

    def test_lowest_rung_is_about_234p_and_audio_is_mono(self, ladder):
        folder, result, _ = ladder
        lowest = min(
            (r for r in result.renditions if r.kind == "video"), key=lambda r: r.height
        )
        assert lowest.name == "234p"
        assert lowest.height == 234
        with av.open(io.BytesIO(rung_bytes(folder, "audio"))) as container:
            assert not container.streams.video
            assert container.streams.audio[0].codec_context.channels == 1

    def test_progress_is_reported_and_ends_high(self, ladder):
        _, _, progress = ladder
        assert progress == sorted(progress)
        assert progress[-1] >= 95
        assert len(progress) >= 5


class LadderDecodesTests:
    @pytest.mark.parametrize("name", ["234p", "360p", "720p"])
    def test_video_rung_decodes_picture_and_sound(self, ladder, name):
        folder, _, _ = ladder
        with av.open(io.BytesIO(rung_bytes(folder, name))) as container:
            video = container.streams.video[0]
            assert video.codec_context.height == HEIGHTS[name]
            frames = {"video": 0, "audio": 0}
            last_time = 0.0
            for frame in container.decode(video=0, audio=0):
                kind = "video" if isinstance(frame, av.VideoFrame) else "audio"
                frames[kind] += 1
                if kind == "video":
                    last_time = max(last_time, frame.time)
            fps = float(video.average_rate)
        assert frames["video"] >= int(9.5 * fps)
        assert last_time >= 9.5
        # 48 kHz sound in frames of 1024 samples: about 469 frames in 10 s.
        assert frames["audio"] >= 440

    def test_audio_rung_decodes(self, ladder):
        folder, _, _ = ladder
        with av.open(io.BytesIO(rung_bytes(folder, "audio"))) as container:
            samples = sum(frame.samples for frame in container.decode(audio=0))
        assert samples / 48_000 == pytest.approx(10.0, abs=0.2)

    @pytest.mark.parametrize("name", ["234p", "360p", "720p"])
    def test_keyframes_at_most_two_seconds_apart(self, ladder, name):
        folder, _, _ = ladder
        with av.open(io.BytesIO(rung_bytes(folder, name))) as container:
            stream = container.streams.video[0]
            packets = [packet for packet in container.demux(stream) if packet.size]
            keyframes = [
                float(packet.pts * stream.time_base)
                for packet in packets
                if packet.is_keyframe
            ]
        assert packets[0].is_keyframe
        gaps = [
            later - earlier
            for earlier, later in zip(keyframes, keyframes[1:], strict=False)
        ]
        assert len(keyframes) >= 5
        assert max(gaps) <= 2.0 + 1e-6, gaps

    def test_each_segment_starts_with_a_keyframe(self, ladder):
        folder, _, _ = ladder
        for name in ("234p", "360p", "720p"):
            playlist = m3u8.load(str(folder / name / "index.m3u8"))
            init = (folder / name / playlist.segment_map[0].uri).read_bytes()
            for segment in playlist.segments:
                data = init + (folder / name / segment.uri).read_bytes()
                with av.open(io.BytesIO(data)) as container:
                    first = next(
                        packet for packet in container.demux(video=0) if packet.size
                    )
                assert first.is_keyframe, (name, segment.uri)


class LadderExtrasTests:
    def test_download_is_a_small_mp4_at_the_lowest_rung(self, ladder):
        folder, result, _ = ladder
        path = folder / result.download
        with av.open(str(path)) as container:
            assert container.streams.video[0].codec_context.height == 234
            assert container.streams.audio
            assert container.duration / av.time_base == pytest.approx(10, abs=0.3)
        assert path.stat().st_size == result.download_bytes
        assert result.download_bytes * 8 / 10 <= CAPS_KBPS["234p"] * 1000

    def test_poster_is_a_small_jpeg(self, ladder):
        folder, result, _ = ladder
        with Image.open(folder / result.poster) as poster:
            assert poster.format == "JPEG"
            assert poster.width <= 640

    def test_duration_and_manifest_are_recorded(self, ladder):
        folder, result, _ = ladder
        assert result.duration == pytest.approx(10.0)
        manifest = json.loads((folder / "ladder.json").read_text())
        assert [r["name"] for r in manifest["renditions"]] == [
            "234p",
            "360p",
            "720p",
            "audio",
        ]
        assert not (folder / "_encode").exists()


class RungChoiceTests:
    def test_only_rungs_at_or_below_the_source(self):
        assert [r.name for r in rungs_for(width=640, height=360)] == ["234p", "360p"]
        assert [r.name for r in rungs_for(width=1920, height=1080)] == [
            "234p",
            "360p",
            "720p",
        ]

    def test_a_tiny_source_is_never_upscaled(self):
        (only,) = rungs_for(width=320, height=180)
        assert only.height == 180
