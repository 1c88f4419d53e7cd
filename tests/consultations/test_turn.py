"""ICE servers and TURN credentials: coturn's `use-auth-secret` scheme, checked against
an HMAC computed here independently.
"""

import base64
import hashlib
import hmac
import importlib.util
from datetime import UTC, datetime, timedelta

import pytest

from cms.settings import base as base_settings
from consultations.models import Booking, BookingStatus
from consultations.turn import ice_servers_for, turn_credentials

SECRET = "north-wind-over-nukus"
ENDS_AT = datetime(2026, 3, 2, 10, 45, tzinfo=UTC)
# A confirmed 45-minute booking, never saved: the credential needs no database.
BOOKING = Booking(
    starts_at=ENDS_AT - timedelta(minutes=45),
    ends_at=ENDS_AT,
    status=BookingStatus.CONFIRMED,
)
DURING = ENDS_AT - timedelta(minutes=20)


def expected_credential(secret: str, username: str) -> str:
    mac = hmac.new(secret.encode("utf-8"), username.encode("utf-8"), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode("ascii")


@pytest.fixture
def configured(settings):
    settings.STUN_URLS = ["stun:stun.komak.test:3478"]
    settings.TURN_URLS = [
        "turn:turn.komak.test:3478?transport=udp",
        "turns:turn.komak.test:5349?transport=tcp",
    ]
    settings.TURN_SECRET = SECRET
    return settings


class TurnCredentialsTests:
    def test_username_is_expiry_colon_user_id(self):
        credentials = turn_credentials(user_id=42, expires_at=ENDS_AT, secret=SECRET)
        assert credentials["username"] == f"{int(ENDS_AT.timestamp())}:42"

    def test_credential_is_base64_hmac_sha1_of_the_username(self):
        credentials = turn_credentials(user_id=42, expires_at=ENDS_AT, secret=SECRET)
        assert credentials["credential"] == expected_credential(
            SECRET, credentials["username"]
        )
        assert len(base64.b64decode(credentials["credential"])) == 20  # SHA-1 size

    def test_known_vector(self):
        # From `printf '1700000000:7' | openssl dgst -sha1 -hmac secret -binary |
        # base64`, as coturn's turnutils would check it.
        expires_at = datetime.fromtimestamp(1_700_000_000, tz=UTC)
        credentials = turn_credentials(
            user_id=7, expires_at=expires_at, secret="secret"
        )
        assert credentials == {
            "username": "1700000000:7",
            "credential": "Cf4dX1iIxoaSkwMIEX411xSxa14=",
        }

    def test_another_secret_gives_another_credential(self):
        first = turn_credentials(user_id=1, expires_at=ENDS_AT, secret=SECRET)
        second = turn_credentials(user_id=1, expires_at=ENDS_AT, secret=SECRET + "x")
        assert first["credential"] != second["credential"]


class IceServersTests:
    def test_stun_and_turn_when_configured(self, configured):
        servers = ice_servers_for(user_id=42, booking=BOOKING, now=DURING)
        expiry = int((ENDS_AT + timedelta(minutes=30)).timestamp())
        username = f"{expiry}:42"
        assert servers == [
            {"urls": ["stun:stun.komak.test:3478"]},
            {
                "urls": [
                    "turn:turn.komak.test:3478?transport=udp",
                    "turns:turn.komak.test:5349?transport=tcp",
                ],
                "username": username,
                "credential": expected_credential(SECRET, username),
            },
        ]

    def test_expiry_is_booking_end_plus_30_minutes(self, configured):
        turn = ice_servers_for(user_id=5, booking=BOOKING, now=DURING)[1]
        expiry = int(turn["username"].split(":")[0])
        assert datetime.fromtimestamp(expiry, tz=UTC) == ENDS_AT + timedelta(minutes=30)

    def test_each_user_gets_their_own_username(self, configured):
        first = ice_servers_for(user_id=5, booking=BOOKING, now=DURING)[1]
        second = ice_servers_for(user_id=6, booking=BOOKING, now=DURING)[1]
        assert first["username"].endswith(":5")
        assert second["username"].endswith(":6")
        assert first["credential"] != second["credential"]

    def test_nothing_when_nothing_is_configured(self, settings):
        settings.STUN_URLS = []
        settings.TURN_URLS = []
        settings.TURN_SECRET = ""
        assert ice_servers_for(user_id=5, booking=BOOKING, now=DURING) == []

    def test_turn_left_out_without_a_secret(self, configured):
        configured.TURN_SECRET = ""
        servers = ice_servers_for(user_id=5, booking=BOOKING, now=DURING)
        assert servers == [{"urls": ["stun:stun.komak.test:3478"]}]

    def test_turn_left_out_without_urls(self, configured):
        configured.TURN_URLS = []
        servers = ice_servers_for(user_id=5, booking=BOOKING, now=DURING)
        assert servers == [{"urls": ["stun:stun.komak.test:3478"]}]

    def test_turn_without_stun(self, configured):
        configured.STUN_URLS = []
        servers = ice_servers_for(user_id=5, booking=BOOKING, now=DURING)
        assert [server["urls"][0] for server in servers] == [
            "turn:turn.komak.test:3478?transport=udp"
        ]

    def test_no_expired_credential_is_handed_out(self, configured):
        late = ENDS_AT + timedelta(minutes=31)
        servers = ice_servers_for(user_id=5, booking=BOOKING, now=late)
        assert servers == [{"urls": ["stun:stun.komak.test:3478"]}]

    def test_the_secret_is_not_in_the_answer(self, configured):
        servers = ice_servers_for(user_id=5, booking=BOOKING, now=DURING)
        assert SECRET not in repr(servers)


def expiry_of(servers: list[dict]) -> datetime | None:
    """The TURN entry's expiry, or None when there is no TURN entry."""
    turn = [server for server in servers if "username" in server]
    if not turn:
        return None
    return datetime.fromtimestamp(int(turn[0]["username"].split(":")[0]), tz=UTC)


class TurnRightTests:
    """TURN only around an active booking's call, and for 2 hours at most."""

    def test_a_cancelled_booking_gets_no_turn(self, configured):
        cancelled = Booking(
            starts_at=BOOKING.starts_at,
            ends_at=ENDS_AT,
            status=BookingStatus.CANCELLED,
        )
        assert (
            expiry_of(ice_servers_for(user_id=5, booking=cancelled, now=DURING)) is None
        )

    def test_an_anonymised_booking_gets_no_turn(self, configured):
        anonymised = Booking(
            starts_at=BOOKING.starts_at,
            ends_at=ENDS_AT,
            status=BookingStatus.CONFIRMED,
            anonymised_at=DURING,
        )
        assert (
            expiry_of(ice_servers_for(user_id=5, booking=anonymised, now=DURING))
            is None
        )

    def test_a_far_future_booking_gets_no_turn(self, configured):
        a_year_before = BOOKING.starts_at - timedelta(days=365)
        servers = ice_servers_for(user_id=5, booking=BOOKING, now=a_year_before)
        assert servers == [{"urls": ["stun:stun.komak.test:3478"]}]

    def test_from_30_minutes_before_the_start(self, configured):
        """The call opens 15 minutes before the start; TURN comes 15 before that."""
        start = BOOKING.starts_at
        early = ice_servers_for(
            user_id=5, booking=BOOKING, now=start - timedelta(minutes=31)
        )
        in_time = ice_servers_for(
            user_id=5, booking=BOOKING, now=start - timedelta(minutes=30)
        )
        assert expiry_of(early) is None
        assert expiry_of(in_time) is not None

    def test_a_credential_lives_two_hours_at_most(self, configured):
        long_talk = Booking(
            starts_at=ENDS_AT - timedelta(hours=3),
            ends_at=ENDS_AT,
            status=BookingStatus.CONFIRMED,
        )
        now = long_talk.starts_at
        servers = ice_servers_for(user_id=5, booking=long_talk, now=now)
        assert expiry_of(servers) == now + timedelta(hours=2)

    def test_the_time_to_live_is_a_setting(self, configured):
        configured.TURN_CREDENTIAL_TTL_SECONDS = 600
        now = BOOKING.starts_at
        servers = ice_servers_for(user_id=5, booking=BOOKING, now=now)
        assert expiry_of(servers) == now + timedelta(minutes=10)

    def test_never_past_the_end_of_the_grace(self, configured):
        now = ENDS_AT + timedelta(minutes=20)
        servers = ice_servers_for(user_id=5, booking=BOOKING, now=now)
        assert expiry_of(servers) == ENDS_AT + timedelta(minutes=30)


def fresh_base_settings():
    """A new copy of cms/settings/base.py, read under the current environment."""
    spec = importlib.util.spec_from_file_location(
        "komak_base_settings_copy", base_settings.__file__
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class IceSettingsTests:
    def test_empty_by_default(self, monkeypatch):
        for name in ("STUN_URLS", "TURN_URLS", "TURN_SECRET"):
            monkeypatch.delenv(name, raising=False)
        module = fresh_base_settings()
        assert (module.STUN_URLS, module.TURN_URLS, module.TURN_SECRET) == ([], [], "")

    def test_read_from_the_environment(self, monkeypatch):
        monkeypatch.setenv("STUN_URLS", "stun:a.test:3478, stun:b.test:3478")
        monkeypatch.setenv("TURN_URLS", "turn:a.test:3478?transport=udp,")
        monkeypatch.setenv("TURN_SECRET", SECRET)
        module = fresh_base_settings()
        assert module.STUN_URLS == ["stun:a.test:3478", "stun:b.test:3478"]
        assert module.TURN_URLS == ["turn:a.test:3478?transport=udp"]
        assert module.TURN_SECRET == SECRET
