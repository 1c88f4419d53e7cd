"""What `make run` starts: Daphne and the django-q2 cluster together from the Procfile.

The database is prepared as `make run` prepares it (migrate, collectstatic, seed_demo);
then honcho starts both processes, pages answer, the trainer reaches the Wagtail admin,
a queued task is run by the cluster, and Ctrl-C (SIGINT) stops everything.
"""

import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from demo.people import DEMO_PASSWORD
from tests.support.i18n import uz
from tests.support.live import REPO, LiveServer
from tests.support.mfa import http_sign_in
from tests.support.parts import port_open

pytestmark = pytest.mark.e2e

PAGES = [
    "/",
    "/uz/kurslar/",
    "/uz/kurslar/smartfon-asoslari/",
    "/uz/kurslar/smartfon-asoslari/telefonni-yoqish/",
]


def admin_session(base_url: str, username: str) -> urllib.request.OpenerDirector:
    # Through allauth with the demo authenticator code: the admin's own sign-in
    # page sends staff there (docs/security.md).
    opener, _ = http_sign_in(base_url, username, DEMO_PASSWORD)
    return opener


@pytest.fixture(scope="module")
def honcho_run():
    server = LiveServer()
    server.prepare()
    bin_dir = str(Path(sys.executable).parent)
    # As `make run` has it: no DJANGO_DEBUG unless the developer sets one.
    env = {
        **{key: value for key, value in server.env.items() if key != "DJANGO_DEBUG"},
        "PORT": str(server.port),
        "PATH": bin_dir + os.pathsep + os.environ["PATH"],
    }
    log_path = server.workdir / "honcho.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(Path(bin_dir) / "honcho"), "start", "-f", "Procfile"],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while not port_open("127.0.0.1", server.port):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(log_path.read_text()[-3000:])
            time.sleep(0.3)
        yield server, process, log_path
        if process.poll() is None:
            process.kill()


class MakeRunTests:
    def test_pages_answer(self, honcho_run):
        server, _, _ = honcho_run
        for path in PAGES:
            with urllib.request.urlopen(server.url + path, timeout=30) as response:
                assert response.status == 200, path
                assert "Koʻmak" in response.read().decode()

    def test_a_wrong_address_is_the_sites_404_in_uzbek(self, honcho_run):
        server, _, _ = honcho_run
        for path, words in (
            ("/uz/no-such-page/", uz("Page not found")),
            ("/uz/certificates/NOSUCHCODE/", uz("No certificate with this number")),
        ):
            with pytest.raises(urllib.error.HTTPError) as answer:
                urllib.request.urlopen(server.url + path, timeout=30)
            assert answer.value.code == 404, path
            assert answer.value.headers["Content-Language"] == "uz"
            html = answer.value.read().decode()
            assert '<html lang="uz"' in html
            assert words in html, path
            # Not Django's debug page, which lists the site's URL patterns.
            assert "URLconf" not in html and "DEBUG = True" not in html

    def test_static_files_are_served(self, honcho_run):
        server, _, _ = honcho_run
        with urllib.request.urlopen(server.url + "/uz/", timeout=30) as response:
            html = response.read().decode()
        stylesheets = re.findall(r'href="(/static/[^"]+\.css)"', html)
        assert stylesheets
        for href in stylesheets:
            with urllib.request.urlopen(server.url + href, timeout=30) as response:
                assert response.status == 200, href
                assert response.headers["Content-Type"].startswith("text/css")
                assert response.read()

    def test_static_files_are_compressed_and_kept_for_good(self, honcho_run):
        # As production: collectstatic's .br and .gz beside each file, content-named
        # addresses cached for a year and more (issue 14).
        server, _, _ = honcho_run
        with urllib.request.urlopen(server.url + "/uz/", timeout=30) as response:
            html = response.read().decode()
        href = re.search(r'href="(/static/css/komak\.[0-9a-f]+\.css)"', html).group(1)
        for coding in ("br", "gzip"):
            request = urllib.request.Request(
                server.url + href, headers={"Accept-Encoding": coding}
            )
            with urllib.request.urlopen(request, timeout=30) as response:
                assert response.headers["Content-Encoding"] == coding
                cache_control = response.headers["Cache-Control"]
                assert "immutable" in cache_control
                max_age = int(re.search(r"max-age=(\d+)", cache_control).group(1))
                assert max_age >= 365 * 24 * 3600
                assert "Accept-Encoding" in response.headers["Vary"]

    def test_pages_are_compressed(self, honcho_run):
        server, _, _ = honcho_run
        for coding in ("br", "gzip"):
            request = urllib.request.Request(
                server.url + "/", headers={"Accept-Encoding": coding}
            )
            with urllib.request.urlopen(request, timeout=30) as response:
                assert response.status == 200
                assert response.headers["Content-Encoding"] == coding

    def test_trainer_reaches_the_wagtail_admin(self, honcho_run):
        server, _, _ = honcho_run
        opener = admin_session(server.url, "trainer")
        with opener.open(server.url + "/admin/", timeout=30) as response:
            assert response.status == 200
            assert response.url == server.url + "/admin/"
            assert "Malika" in response.read().decode()

    def test_the_task_cluster_runs_queued_tasks(self, honcho_run):
        server, _, _ = honcho_run
        task_id = server.shell(
            "from django_q.tasks import async_task; print(async_task('math.floor', 2.5))",  # noqa: E501
        )
        deadline = time.monotonic() + 60
        result = "None"
        while time.monotonic() < deadline:
            result = server.shell(
                f"from django_q.tasks import result; print(result('{task_id}'))"
            )
            if result != "None":
                break
            time.sleep(1)
        assert result == "2"

    def test_ctrl_c_stops_both(self, honcho_run):
        server, process, log_path = honcho_run
        children = subprocess.run(
            ["pgrep", "-P", str(process.pid)], capture_output=True, text=True
        ).stdout.split()
        assert len(children) == 2  # web and worker
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
        assert not port_open("127.0.0.1", server.port)
        log = log_path.read_text()
        assert re.search(r"web\.1 .*\| ", log)
        assert re.search(r"worker\.1 .*\| ", log)
        for pid in children:
            with pytest.raises(ProcessLookupError):
                os.kill(int(pid), 0)
