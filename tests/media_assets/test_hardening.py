"""ffmpeg and ffprobe read the local master and nothing else, within time and memory limits."""

import os
import socket
import subprocess
import tempfile
import threading
from pathlib import Path

import pytest

from media_assets import ffmpeg
from media_assets.models import ProcessingState
from media_assets.services import process_video
from tests.media_assets.test_processing import unprocessed_video
from tests.media_assets.videos import make_video


class Bait:
    """A named pipe and a loopback listener that record whether anything opened them."""

    def __init__(self):
        self.directory = Path(tempfile.mkdtemp(prefix="newsroom-bait-"))
        self.fifo = self.directory / "secret-segment.ts"
        os.mkfifo(self.fifo)
        self.fifo_opened = threading.Event()
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        self.listener.settimeout(0.2)
        self.connections = 0
        self.stopped = threading.Event()
        self.watcher = threading.Thread(target=self._watch_fifo, daemon=True)
        self.watcher.start()
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return "http://127.0.0.1:%d/segment.ts" % self.listener.getsockname()[1]

    def _watch_fifo(self):
        # Opening a FIFO for writing blocks until someone opens it for reading.
        descriptor = os.open(self.fifo, os.O_WRONLY)
        if not self.stopped.is_set():
            self.fifo_opened.set()
            os.write(descriptor, b"SECRET CONTENT")
        os.close(descriptor)

    def _accept(self):
        while not self.stopped.is_set():
            try:
                connection, _address = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:  # closed by close()
                return
            self.connections += 1
            connection.close()

    def playlist(self) -> bytes:
        return (
            "#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-TARGETDURATION:10\n"
            "#EXTINF:10.0,\n%s\n#EXTINF:10.0,\n%s\n#EXT-X-ENDLIST\n"
            % (self.fifo, self.url)
        ).encode()

    def close(self):
        self.stopped.set()
        # Release the watcher, waiting for a reader or yet to wait: a reader stays open until
        # it has ended (else it may open the pipe after the run removed it).
        while self.watcher.is_alive():
            descriptor = os.open(self.fifo, os.O_RDONLY | os.O_NONBLOCK)
            self.watcher.join(0.05)
            os.close(descriptor)
        self.listener.close()


@pytest.fixture
def bait():
    instance = Bait()
    yield instance
    instance.close()


def trick_file(bait: Bait, name: str = "interview.mp4") -> Path:
    path = Path(tempfile.mkdtemp(prefix="newsroom-trick-")) / name
    path.write_bytes(bait.playlist())
    return path


def test_plain_ffprobe_follows_the_playlist_so_the_bait_works(bait):
    # given: a "video" that is really an HLS playlist pointing at a local file and a server
    trick = trick_file(bait)

    # when: ffprobe runs as people usually call it
    subprocess.run(
        ["ffprobe", "-v", "error", str(trick)], capture_output=True, timeout=30
    )

    # then: it read the local file (this is what the hardening must prevent)
    assert bait.fifo_opened.wait(5)


def test_processing_a_playlist_in_disguise_reads_nothing(db, bait):
    # given
    video = unprocessed_video(trick_file(bait))

    # when
    process_video(video_id=video.pk)

    # then: refused as not a video; neither the local file nor the server was touched
    video.refresh_from_db()
    assert video.processing_state == ProcessingState.FAILED
    assert video.processing_error == "not_video"
    assert "Format not on whitelist" in video.processing_error_detail
    assert not bait.fifo_opened.wait(1)
    assert bait.connections == 0


def test_forcing_the_demuxer_also_refuses_a_playlist(bait):
    # given: even if a playlist got past the probe, later commands name the demuxer
    trick = trick_file(bait)
    info = ffmpeg.probe(make_video("h264.mp4"))
    target = trick.with_name("poster.jpg")

    # when
    completed = ffmpeg.run(
        ffmpeg.poster_command(trick, target, info, at_seconds=0), timeout=30
    )

    # then
    assert completed.returncode != 0
    assert not target.exists()
    assert not bait.fifo_opened.wait(1)
    assert bait.connections == 0


def test_every_command_is_an_argument_list_limited_to_local_accepted_files():
    # given
    master = Path("/masters/-i http:evil.mp4")
    info = ffmpeg.ProbeResult(
        demuxer="mxf",
        container="mxf",
        duration=10,
        width=720,
        height=576,
        frame_rate=None,
        scan_type="interlaced_tff",
        video_codec="mpeg2video",
        audio_codec="pcm_s16le",
        audio_channels=2,
        bit_rate=None,
        file_size=1,
    )

    # when
    commands = [
        ffmpeg.probe_command(master),
        ffmpeg.poster_command(master, Path("/tmp/p.jpg"), info, at_seconds=2),
        ffmpeg.preview_command(master, Path("/tmp/p.mp4"), info),
    ]

    # then
    for command in commands:
        assert isinstance(command, list)
        joined = " ".join(command)
        assert "-protocol_whitelist file" in joined
        assert "-format_whitelist mov,mp4,m4a,3gp,3g2,mj2,mxf" in joined
        assert command[command.index("-i") + 1 if "-i" in command else -1] == (
            "file:/masters/-i http:evil.mp4"
        )
    for command in commands[1:]:
        assert command[command.index("-i") - 2 : command.index("-i")] == ["-f", "mxf"]


def test_a_name_that_looks_like_an_option_is_processed_as_a_file(db):
    # given
    master = make_video("h264.mp4")
    odd = master.with_name("-y -i http:x.mp4")
    master.rename(odd)
    video = unprocessed_video(odd)

    # when
    process_video(video_id=video.pk)

    # then
    video.refresh_from_db()
    assert video.processing_state == ProcessingState.READY


def test_the_memory_limit_stops_ffmpeg_with_a_clear_reason(db, settings):
    # given: not enough address space for ffmpeg and its libraries
    settings.NEWSROOM_FFMPEG_MEMORY_LIMIT = 200 * 1024 * 1024
    video = unprocessed_video(make_video("h264.mp4"))

    # when
    process_video(video_id=video.pk)

    # then
    video.refresh_from_db()
    assert video.processing_state == ProcessingState.FAILED
    assert video.processing_error == "limit"
    assert video.processing_error_message.startswith(
        "Processing needed more memory than it is allowed"
    )
    assert not video.preview


def test_the_time_limit_stops_ffmpeg_with_a_clear_reason(db, settings):
    # given
    settings.NEWSROOM_PREVIEW_TIMEOUT_FLOOR = 0.2
    settings.NEWSROOM_PREVIEW_TIMEOUT_FACTOR = 0
    video = unprocessed_video(make_video("h264-1080.mp4", seconds=16))

    # when
    process_video(video_id=video.pk)

    # then
    video.refresh_from_db()
    assert video.processing_state == ProcessingState.FAILED
    assert video.processing_error == "timeout"
    assert video.processing_error_detail == "ffmpeg stopped after 0s"
    assert not video.preview
