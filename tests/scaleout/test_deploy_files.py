"""The files in deploy/ are what real servers run: nginx accepts the rendered site,
systemd parses the units, coturn starts with its configuration and refuses peers in
the denied ranges, and deploy/PORTS.md lists the ports those files use.
"""

import asyncio
import base64
import configparser
import hashlib
import hmac
import io
import ipaddress
import re
import shutil
import subprocess
import time
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from deploy.scaleout import (
    DATABASE_DEFAULTS,
    DEFAULTS,
    REPO,
    NginxSite,
    brotli_available,
    main,
    nginx_check,
    nginx_conf_write,
    render,
)
from tests.e2e.test_rtc_peers import free_udp_and_tcp_port, stun_answers
from tests.support.live import free_port
from tests.support.parts import require
from tests.support.scaleout import require_nginx

DEPLOY = REPO / "deploy"
UNITS = DEPLOY / "systemd"
TURN_CONF = DEPLOY / "coturn" / "turnserver.conf"


def site_for(tmp_path, **overrides) -> NginxSite:
    values = {
        "listen": f"127.0.0.1:{free_port()}",
        "server_name": "127.0.0.1",
        "workers": ["127.0.0.1:8001", "127.0.0.1:8002"],
        "static_root": tmp_path / "static",
        "media_root": tmp_path / "media",
        "access_log": tmp_path / "log" / "access.log",
        "brotli": brotli_available(),
    }
    return NginxSite(**{**values, **overrides})


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    openssl = shutil.which("openssl")
    require(openssl is not None, "openssl is not installed")
    certificate, key = folder / "site.pem", folder / "site.key"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=komak.test",
            "-days",
            "1",
            "-keyout",
            str(key),
            "-out",
            str(certificate),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return certificate, key


class NginxConfigTests:
    def test_the_one_machine_configuration_passes_nginx_t(self, tmp_path):
        require_nginx()
        conf = nginx_conf_write(var_dir=tmp_path / "var", site=site_for(tmp_path))
        check = nginx_check(conf)
        assert check.returncode == 0, check.stderr

    def test_it_passes_without_brotli_too(self, tmp_path):
        require_nginx()
        site = site_for(tmp_path, brotli=False)
        conf = nginx_conf_write(var_dir=tmp_path / "var", site=site)
        for path in (conf, conf.parent / "komak.conf"):
            directive = r"^\s*(load_module\s.*brotli|include\s.*/brotli\.conf|brotli)"
            assert not re.search(directive, path.read_text(), re.MULTILINE)
        check = nginx_check(conf)
        assert check.returncode == 0, check.stderr

    def test_a_server_s_site_with_tls_passes_nginx_t(self, tmp_path):
        require_nginx()
        certificate, key = self_signed_certificate(tmp_path)
        site = site_for(
            tmp_path,
            listen=f"127.0.0.1:{free_port()} ssl",
            server_name="komak.test",
            tls_certificate=str(certificate),
            tls_key=str(key),
        )
        conf = nginx_conf_write(var_dir=tmp_path / "var", site=site)
        check = nginx_check(conf)
        assert check.returncode == 0, check.stderr

    def test_render_prints_a_server_s_site(self, tmp_path):
        output = io.StringIO()
        with redirect_stdout(output):
            status = main(
                [
                    "render",
                    "--server-name",
                    "komak.uz",
                    "--workers",
                    "10.0.0.2:8001,10.0.0.2:8002",
                    "--static-root",
                    "/srv/komak/staticfiles",
                    "--media-root",
                    "/srv/komak/media",
                ]
            )
        site = output.getvalue()
        assert status == 0
        assert "listen 443 ssl;" in site
        assert "server 10.0.0.2:8002 max_fails=1 fail_timeout=5s;" in site
        assert "alias /srv/komak/media/;" in site
        assert "${" not in site

    def test_placeholders_must_all_have_values(self):
        with pytest.raises(KeyError, match="KOMAK_MISSING"):
            render("listen ${KOMAK_MISSING};", {})

    def test_nginx_s_own_variables_are_left_alone(self):
        rendered = render(
            "proxy_set_header Host $http_host; ${KOMAK_A} ${scheme}",
            {"KOMAK_A": "x"},
        )
        assert rendered == "proxy_set_header Host $http_host; x ${scheme}"

    def test_the_media_folder_is_reachable_only_through_the_internal_location(
        self, tmp_path
    ):
        site = site_for(tmp_path).render()
        media = str((tmp_path / "media").resolve())
        locations = dict(
            re.findall(r"location (\S+) \{(.*?)\n    \}", site, flags=re.DOTALL)
        )
        serving_media = {
            path for path, body in locations.items() if f"alias {media}/;" in body
        }
        assert serving_media == {"/_protected/"}
        assert "internal;" in locations["/_protected/"]
        assert f"alias {media}/images/;" in locations["/media/images/"]
        assert "return 404;" in locations["/media/"]

    def test_the_workers_get_the_client_s_address_and_scheme(self, tmp_path):
        site = site_for(tmp_path).render()
        for location in ("/", "/ws/"):
            body = re.search(
                rf"location {re.escape(location)} \{{(.*?)\n    \}}",
                site,
                flags=re.DOTALL,
            ).group(1)
            assert "X-Forwarded-For $proxy_add_x_forwarded_for;" in body
            assert "X-Forwarded-Proto $scheme;" in body
            assert "Upgrade $http_upgrade;" in body


class SystemdUnitTests:
    @pytest.fixture
    def units(self, tmp_path) -> list[Path]:
        """The units with the application's folder pointing at this checkout, so
        that their programs exist for `systemd-analyze verify`."""
        copies = []
        for unit in sorted(UNITS.iterdir()):
            copy = tmp_path / unit.name
            copy.write_text(unit.read_text().replace("/srv/komak/app", str(REPO)))
            copies.append(copy)
        return copies

    def test_systemd_parses_every_unit(self, units, tmp_path):
        analyze = shutil.which("systemd-analyze")
        # Without it (outside CI) the structure is still checked below.
        require(analyze is not None, "systemd-analyze is not installed (systemd)")
        instances = [
            str(unit).replace("@.service", "@8001.service")
            if unit.name.endswith("@.service")
            else str(unit)
            for unit in units
            if unit.suffix in {".service", ".target"}
        ]
        result = subprocess.run(
            [analyze, "verify", *instances],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        # Unknown keys and sections are only warnings for systemd: none allowed.
        assert result.stderr == "", result.stderr

    def test_each_unit_has_its_sections(self):
        for unit in UNITS.iterdir():
            parser = configparser.ConfigParser(strict=False, interpolation=None)
            parser.read_string(unit.read_text())
            assert "Unit" in parser and "Install" in parser, unit.name
            assert parser["Unit"]["Description"], unit.name
            if unit.suffix == ".service":
                assert parser["Service"]["ExecStart"].startswith("/"), unit.name

    def test_workers_run_one_per_port_with_proxy_headers(self):
        unit = (UNITS / "komak-daphne@.service").read_text()
        exec_start = re.search(r"^ExecStart=(.*)$", unit, flags=re.MULTILINE).group(1)
        assert "--proxy-headers" in exec_start
        assert "-p %i" in exec_start
        assert "EnvironmentFile=/etc/komak/komak.env" in unit

    def test_the_turn_secret_is_never_in_a_unit(self):
        unit = (UNITS / "komak-coturn.service").read_text()
        assert "LoadCredential=turn-secret:/etc/komak/turn-secret" in unit
        # Only the printf that adds it from the credential at start.
        values = re.findall(r'static-auth-secret=([^"\s]*)', unit)
        assert values and all(value.startswith("%%s") for value in values)


def turn_password(secret: str, username: str) -> str:
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


@pytest.fixture(scope="module")
def coturn_with_deploy_conf(tmp_path_factory):
    """coturn with deploy/coturn/turnserver.conf, moved to a free loopback port
    without TLS (no certificate here); everything else as on a server."""
    binary = shutil.which("turnserver")
    require(binary is not None, "coturn is not installed (apt-get install coturn)")
    workdir = tmp_path_factory.mktemp("coturn-deploy")
    port = free_udp_and_tcp_port()
    secret = "deploy-test-secret"
    log_path = workdir / "turnserver.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                binary,
                "-c",
                str(TURN_CONF),
                f"--listening-port={port}",
                "--listening-ip=127.0.0.1",
                "--relay-ip=127.0.0.1",
                "--no-tls",
                "--no-dtls",
                f"--static-auth-secret={secret}",
                f"--pidfile={workdir / 'turnserver.pid'}",
                f"--userdb={workdir / 'turndb'}",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 15
        while not stun_answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"coturn did not start: {log_path.read_text()}")
            time.sleep(0.2)
        yield port, secret, log_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def channel_bind_answers(port: int, secret: str, peers: list[str]) -> dict:
    """Allocate a relay on coturn and ask for a channel to each peer: "ok", or the
    error code coturn answers (403: the peer's address is refused)."""
    from aioice import stun
    from aioice.turn import create_turn_endpoint

    username = f"{int(time.time()) + 600}:deploy-test"

    async def scenario():
        transport, _ = await create_turn_endpoint(
            asyncio.DatagramProtocol,
            ("127.0.0.1", port),
            username,
            turn_password(secret, username),
        )
        client = transport._TurnTransport__inner_protocol
        answers = {}
        try:
            for channel, peer in enumerate(peers, start=0x4000):
                try:
                    await client.channel_bind(channel, (peer, 9))
                    answers[peer] = "ok"
                except stun.TransactionFailed as error:
                    answers[peer] = error.response.error_code
        finally:
            transport.close()
        return answers

    return asyncio.run(scenario())


def denied_ranges() -> list[str]:
    return re.findall(r"^denied-peer-ip=(\S+)$", TURN_CONF.read_text(), re.MULTILINE)


class CoturnConfigTests:
    def test_coturn_reads_every_denied_range(self, coturn_with_deploy_conf):
        _, _, log_path = coturn_with_deploy_conf
        log = log_path.read_text()
        assert "CONFIG ERROR" not in log and "Bad configuration" not in log
        for denied in denied_ranges():
            assert f"Black listing: {denied}\n" in log, denied

    def test_the_ranges_issue_12_names_are_denied(self):
        ranges = denied_ranges()
        for needed in (
            "10.0.0.0-10.255.255.255",  # private
            "172.16.0.0-172.31.255.255",
            "192.168.0.0-192.168.255.255",
            "127.0.0.0-127.255.255.255",  # loopback
            "169.254.0.0-169.254.255.255",  # link-local
            "100.64.0.0-100.127.255.255",  # carrier-grade NAT
            "224.0.0.0-239.255.255.255",  # multicast
            "::1",
            "::ffff:0.0.0.0-::ffff:255.255.255.255",
            "64:ff9b::-64:ff9b::ffff:ffff",  # NAT64
            "2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff",  # documentation
            "fc00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "fe80::-febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "ff00::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
        ):
            assert needed in ranges, needed
        conf = TURN_CONF.read_text()
        assert re.search(r"^use-auth-secret$", conf, re.MULTILINE)
        assert re.search(r"^no-multicast-peers$", conf, re.MULTILINE)
        assert not re.search(r"^static-auth-secret", conf, re.MULTILINE)

    def test_special_ipv6_addresses_fall_in_a_denied_range(self):
        """Read as coturn reads them (a single address or "first-last"), the ranges
        cover one address of every IPv6 block a relay must not reach, and no
        ordinary internet address. The relay in the test below is IPv4, so coturn
        itself is asked about IPv4 peers only."""
        denied = []
        for text in denied_ranges():
            first, _, last = text.partition("-")
            denied.append(
                (ipaddress.ip_address(first), ipaddress.ip_address(last or first))
            )

        def is_denied(address: str) -> bool:
            address = ipaddress.ip_address(address)
            return any(
                first.version == address.version and first <= address <= last
                for first, last in denied
            )

        special = [
            "::1",  # loopback
            "::ffff:10.0.0.1",  # IPv4-mapped (a private IPv4 address through IPv6)
            "::ffff:127.0.0.1",
            "64:ff9b::a00:1",  # NAT64 (10.0.0.1)
            "64:ff9b:1::1",  # local-use NAT64
            "100::1",  # discard-only
            "2001::1",  # Teredo
            "2001:10::1",  # IETF protocol assignments
            "2001:db8::1",  # documentation
            "3fff::1",  # documentation (RFC 9637)
            "2002:a00:1::1",  # 6to4
            "5f00::1",  # SRv6 segment identifiers
            "fc00::1",  # unique local
            "fd12:3456:789a::1",
            "fe80::1",  # link-local
            "febf:ffff::1",
            "ff02::1",  # multicast
        ]
        assert [address for address in special if not is_denied(address)] == []
        public = ["2001:4860:4860::8888", "2a00:1450:4001::1", "2606:4700::1111"]
        assert [address for address in public if is_denied(address)] == []

    def test_peers_in_private_and_special_ranges_are_refused(
        self, coturn_with_deploy_conf
    ):
        port, secret, _ = coturn_with_deploy_conf
        refused = [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.5.5",
            "192.168.1.1",
            "169.254.1.1",
            "100.64.0.1",
            "224.0.0.1",
            "0.0.0.0",  # noqa: S104 - a peer address to refuse, not a bind
        ]
        answers = channel_bind_answers(port, secret, refused)
        assert answers == dict.fromkeys(refused, 403)

    def test_peers_on_the_internet_are_relayed(self, coturn_with_deploy_conf):
        port, secret, _ = coturn_with_deploy_conf
        # A range that covered every IPv4 address (coturn reads "::" so) would
        # refuse these too.
        public = ["1.1.1.1", "93.184.216.34", "213.230.64.1"]
        assert channel_bind_answers(port, secret, public) == dict.fromkeys(public, "ok")


def ports_table() -> list[dict]:
    rows = []
    for line in (DEPLOY / "PORTS.md").read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 6 and re.match(r"^\d", cells[0]):
            port, protocol, machine, open_to, what, source = cells
            rows.append(
                {
                    "port": port,
                    "protocols": {item.strip() for item in protocol.split(",")},
                    "machine": machine,
                    "open_to": open_to,
                    "source": source,
                }
            )
    return rows


def turn_setting(name: str) -> str:
    return re.search(rf"^{name}=(\S+)$", TURN_CONF.read_text(), re.MULTILINE).group(1)


class PortsListTests:
    def test_coturn_s_ports_are_the_listed_ones(self):
        listed = {row["port"] for row in ports_table() if row["machine"] == "turn"}
        configured = {
            turn_setting("listening-port"),
            turn_setting("tls-listening-port"),
            turn_setting("alt-tls-listening-port"),
            f"{turn_setting('min-port')}-{turn_setting('max-port')}",
        }
        assert listed == configured

    def test_the_relay_range_is_udp_and_open_to_anyone(self):
        relay = next(row for row in ports_table() if row["port"] == "49152-65535")
        assert relay["protocols"] == {"udp"}
        assert relay["open_to"] == "anyone"

    def test_services_behind_nginx_are_never_open_to_anyone(self):
        for row in ports_table():
            if row["machine"] in {"app", "database", "redis"}:
                assert row["open_to"] != "anyone", row

    def test_default_addresses_use_the_listed_ports(self):
        listed = {row["port"] for row in ports_table()}
        for url in DATABASE_DEFAULTS.values():
            assert ":5432/" in url and "5432" in listed
        assert ":6379/" in DEFAULTS["REDIS_URL"] and "6379" in listed
        low, high = next(
            row["port"] for row in ports_table() if row["machine"] == "app"
        ).split("-")
        for port in DEFAULTS["KOMAK_WORKER_PORTS"].split(","):
            assert int(low) <= int(port) <= int(high)

    def test_every_source_file_is_there(self):
        for row in ports_table():
            assert (REPO / row["source"]).exists(), row["source"]

    def test_the_https_redirect_on_port_80_is_documented(self):
        deployment = (REPO / "docs" / "deployment.md").read_text()
        assert "listen 80;" in deployment
        assert "return 301 https://$host$request_uri;" in deployment
