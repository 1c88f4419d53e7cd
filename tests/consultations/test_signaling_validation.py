"""The rules every signaling message must pass (docs/signaling.md), checked without a
socket: frame, size, JSON, type, fields, role, admission and rate.
"""

import json

import pytest

from consultations.signaling import (
    MAX_FRAME_BYTES,
    RateLimiter,
    SignalingError,
    validate,
)

SDP = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"

VALID = {
    "join": {"type": "join"},
    "present": {"type": "present"},
    "admit": {"type": "admit"},
    "offer": {"type": "offer", "sdp": SDP},
    "answer": {"type": "answer", "sdp": SDP},
    "ice": {
        "type": "ice",
        "candidate": "candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host",
        "sdpMid": "0",
        "sdpMLineIndex": 0,
    },
    "chat": {"type": "chat", "text": "Salom!"},
    "state": {"type": "state", "muted": True, "camera": False, "audioOnly": False},
    "leave": {"type": "leave"},
    "end": {"type": "end"},
    "ping": {"type": "ping"},
}


def check(message, *, role="specialist", admitted=True):
    text = message if isinstance(message, str) else json.dumps(message)
    return validate(text, None, role=role, admitted=admitted)


def code_of(message, *, role="specialist", admitted=True) -> str:
    with pytest.raises(SignalingError) as caught:
        check(message, role=role, admitted=admitted)
    assert caught.value.message
    return caught.value.code


class FrameTests:
    def test_binary_frame_is_malformed(self):
        with pytest.raises(SignalingError) as caught:
            validate(None, b'{"type": "ping"}', role="client", admitted=False)
        assert caught.value.code == "malformed"

    def test_frame_with_nothing_is_malformed(self):
        with pytest.raises(SignalingError) as caught:
            validate(None, None, role="client", admitted=False)
        assert caught.value.code == "malformed"

    @pytest.mark.parametrize(
        "text",
        ["", "{", "not json", '{"type": "ping",}', '{"type": NaN}', "[" * 10_000],
        ids=["empty", "cut", "words", "trailing-comma", "nan", "deep"],
    )
    def test_not_json_is_malformed(self, text):
        assert code_of(text) == "malformed"

    @pytest.mark.parametrize("text", ["[]", '"ping"', "42", "null", "true"])
    def test_json_that_is_not_an_object_is_malformed(self, text):
        assert code_of(text) == "malformed"

    def test_a_frame_of_exactly_64_kib_passes(self):
        text = json.dumps({"type": "ping"})
        text = text[:-1] + " " * (MAX_FRAME_BYTES - len(text)) + "}"
        assert len(text.encode()) == MAX_FRAME_BYTES
        assert check(text) == {"type": "ping"}

    def test_one_byte_more_is_too_large(self):
        text = json.dumps({"type": "ping"})
        text = text[:-1] + " " * (MAX_FRAME_BYTES + 1 - len(text)) + "}"
        assert code_of(text) == "too_large"

    def test_size_counts_utf8_bytes_not_characters(self):
        # 33 000 Cyrillic letters: within the SDP limit in characters, over 64 KiB in
        # bytes.
        assert code_of({"type": "offer", "sdp": "ж" * 33_000}) == "too_large"

    def test_size_is_checked_before_parsing(self):
        assert code_of("{" * (MAX_FRAME_BYTES + 1)) == "too_large"


class TypeTests:
    @pytest.mark.parametrize("message_type", sorted(VALID))
    def test_every_valid_message_passes_for_the_specialist(self, message_type):
        assert check(VALID[message_type]) == VALID[message_type]

    @pytest.mark.parametrize(
        "message",
        [{}, {"type": "dance"}, {"type": None}, {"type": 3}, {"type": ["ping"]}],
        ids=["missing", "unknown", "null", "number", "list"],
    )
    def test_missing_or_unknown_type(self, message):
        assert code_of(message) == "unknown_type"

    def test_type_is_case_sensitive(self):
        assert code_of({"type": "PING"}) == "unknown_type"


class FieldTests:
    @pytest.mark.parametrize(
        "message_type", ["join", "present", "admit", "leave", "end", "ping"]
    )
    def test_messages_without_fields_take_none(self, message_type):
        assert code_of({"type": message_type, "extra": 1}) == "bad_fields"

    @pytest.mark.parametrize("message_type", ["offer", "answer"])
    def test_sdp_is_required(self, message_type):
        assert code_of({"type": message_type}) == "bad_fields"

    @pytest.mark.parametrize("sdp", [None, 1, True, ["v=0"], {"sdp": "v=0"}])
    def test_sdp_must_be_a_string(self, sdp):
        assert code_of({"type": "offer", "sdp": sdp}) == "bad_fields"

    def test_sdp_of_60000_characters_passes(self):
        assert check({"type": "answer", "sdp": "a" * 60_000})["sdp"] == "a" * 60_000

    def test_sdp_over_60000_characters_is_refused(self):
        assert code_of({"type": "answer", "sdp": "a" * 60_001}) == "bad_fields"

    def test_offer_with_an_extra_field_is_refused(self):
        message = {**VALID["offer"], "from": "specialist"}
        assert code_of(message) == "bad_fields"

    @pytest.mark.parametrize("field", ["candidate", "sdpMid", "sdpMLineIndex"])
    def test_each_ice_field_is_required(self, field):
        message = {**VALID["ice"]}
        del message[field]
        assert code_of(message) == "bad_fields"

    def test_end_of_candidates_is_all_null(self):
        message = {
            "type": "ice",
            "candidate": None,
            "sdpMid": None,
            "sdpMLineIndex": None,
        }
        assert check(message) == message

    @pytest.mark.parametrize(
        "field,value",
        [
            ("candidate", 5),
            ("candidate", {"candidate": "x"}),
            ("sdpMid", 0),
            ("sdpMid", False),
            ("sdpMLineIndex", -1),
            ("sdpMLineIndex", "0"),
            ("sdpMLineIndex", 0.5),
            ("sdpMLineIndex", 1.0),
            ("sdpMLineIndex", True),
            ("sdpMLineIndex", False),
        ],
    )
    def test_ice_fields_of_the_wrong_type(self, field, value):
        assert code_of({**VALID["ice"], field: value}) == "bad_fields"

    def test_ice_with_username_fragment_is_refused(self):
        # RTCIceCandidate.toJSON() adds usernameFragment; the protocol does not take it.
        message = {**VALID["ice"], "usernameFragment": "abcd"}
        assert code_of(message) == "bad_fields"

    def test_chat_text_is_required(self):
        assert code_of({"type": "chat"}) == "bad_fields"

    def test_chat_of_one_and_of_1000_characters_passes(self):
        assert check({"type": "chat", "text": "a"})["text"] == "a"
        assert check({"type": "chat", "text": "ы" * 1000})["text"] == "ы" * 1000

    @pytest.mark.parametrize(
        "text",
        ["", "a" * 1001, None, 7, ["hi"]],
        ids=["empty", "long", "null", "int", "list"],
    )
    def test_chat_text_of_the_wrong_size_or_type(self, text):
        assert code_of({"type": "chat", "text": text}) == "bad_fields"

    def test_chat_cannot_carry_its_own_time(self):
        assert code_of({"type": "chat", "text": "hi", "at": "now"}) == "bad_fields"

    @pytest.mark.parametrize("field", ["muted", "camera", "audioOnly"])
    def test_state_with_one_flag_passes(self, field):
        assert check({"type": "state", field: True}) == {"type": "state", field: True}

    def test_state_without_any_flag_is_refused(self):
        assert code_of({"type": "state"}) == "bad_fields"

    @pytest.mark.parametrize("value", [1, 0, "true", None, [True]])
    def test_state_flags_must_be_booleans(self, value):
        assert code_of({"type": "state", "muted": value}) == "bad_fields"

    def test_state_with_an_unknown_flag_is_refused(self):
        assert code_of({"type": "state", "muted": True, "volume": True}) == "bad_fields"

    def test_field_errors_name_the_field(self):
        with pytest.raises(SignalingError) as caught:
            check({"type": "chat", "text": "hi", "colour": "red"})
        assert "colour" in caught.value.message


class RoleTests:
    @pytest.mark.parametrize("message_type", ["admit", "end"])
    def test_the_client_may_not_admit_or_end(self, message_type):
        assert code_of(VALID[message_type], role="client") == "forbidden"

    @pytest.mark.parametrize("message_type", ["admit", "end"])
    def test_the_specialist_may_admit_and_end_before_admission(self, message_type):
        assert check(VALID[message_type], admitted=False) == VALID[message_type]

    def test_fields_are_checked_before_the_role(self):
        assert code_of({"type": "admit", "now": True}, role="client") == "bad_fields"


class AdmissionTests:
    @pytest.mark.parametrize(
        "message_type", ["join", "present", "state", "ping", "leave"]
    )
    def test_the_client_may_send_these_before_admission(self, message_type):
        message = VALID[message_type]
        assert check(message, role="client", admitted=False) == message

    @pytest.mark.parametrize("message_type", ["offer", "answer", "ice", "chat"])
    def test_the_client_may_not_send_media_or_chat_before_admission(self, message_type):
        message = VALID[message_type]
        assert code_of(message, role="client", admitted=False) == "not_admitted"

    @pytest.mark.parametrize("message_type", ["offer", "answer", "ice", "chat"])
    def test_nor_may_the_specialist(self, message_type):
        message = VALID[message_type]
        assert code_of(message, role="specialist", admitted=False) == "not_admitted"

    @pytest.mark.parametrize("message_type", ["offer", "answer", "ice", "chat"])
    def test_after_admission_the_client_may(self, message_type):
        message = VALID[message_type]
        assert check(message, role="client", admitted=True) == message

    def test_a_bad_field_is_reported_before_admission(self):
        message = {"type": "chat", "text": ""}
        assert code_of(message, role="client", admitted=False) == "bad_fields"


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class RateLimiterTests:
    def test_twenty_messages_in_one_second_pass(self):
        clock = FakeClock()
        limiter = RateLimiter(clock=clock)
        for _ in range(20):
            limiter.hit()
            clock.now += 0.01

    def test_the_twenty_first_in_one_second_is_too_many(self):
        clock = FakeClock()
        limiter = RateLimiter(clock=clock)
        for _ in range(20):
            limiter.hit()
            clock.now += 0.04
        with pytest.raises(SignalingError) as caught:
            limiter.hit()
        assert caught.value.code == "too_many"

    def test_the_window_slides(self):
        clock = FakeClock()
        limiter = RateLimiter(clock=clock)
        for _ in range(20):
            limiter.hit()
        clock.now += 0.5
        with pytest.raises(SignalingError):
            limiter.hit()
        # One second after the burst, the first twenty have left the window.
        clock.now += 0.5
        limiter.hit()

    def test_a_steady_stream_under_twenty_per_second_never_trips(self):
        clock = FakeClock()
        limiter = RateLimiter(clock=clock)
        for _ in range(200):
            limiter.hit()
            clock.now += 0.051

    def test_the_default_clock_is_monotonic(self):
        import time

        assert RateLimiter().clock is time.monotonic
