"""Signaling fuzzing: hypothesis sends more than 10,000 generated frames (valid,
near-valid and garbage text, JSON and binary) to the call's consumer through the real
ASGI application, from both sides of a call.

For each frame the answer must be the one docs/signaling.md gives, worked out here
from the document, not from `consultations.signaling`: nothing for a relayed
message, `pong`, `admitted`, or one `error` frame with the documented code followed by
close 4400 (1000 after `leave` and `end`); what reaches the other side is exactly what
was relayed; the consumer never raises; and two people in another call, connected
throughout, receive nothing at all.

A socket is reused until the server closes it, then the test disconnects and joins
again, as call.js does. The rate limit (20 a second) is the one rule kept out of the
bulk run: the consumers' limiters get a clock that moves a tenth of a second per
message, so that the 10,000 frames take seconds instead of minutes; a burst at the
real clock is checked on its own.
"""

import asyncio
import json
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cms.asgi import application
from consultations import consumers
from consultations.models import ConsentRecord, ConsentTerms, SpecialistProfile
from consultations.signaling import RateLimiter
from tests.accounts.factories import user_create
from tests.consultations.factories import booking_create

pytestmark = pytest.mark.django_db(transaction=True)

TARGET_MESSAGES = 10_000
EXAMPLES = 100
MESSAGES_PER_EXAMPLE = 100  # EXAMPLES × this ≥ TARGET_MESSAGES
HEADERS = [(b"origin", b"http://127.0.0.1:8000"), (b"host", b"127.0.0.1")]
CLIENT, SPECIALIST = "client", "specialist"
OTHER = {CLIENT: SPECIALIST, SPECIALIST: CLIENT}
MAX_FRAME_BYTES = 64 * 1024  # docs/signaling.md
ANSWER_WAIT_S = 10
MEDIA_AND_CHAT = {"offer", "answer", "ice", "chat"}
SPECIALIST_ONLY = {"admit", "end"}
RELAYED = {"offer", "answer", "ice", "state"}
ERROR_CODES = {
    "malformed",
    "too_large",
    "unknown_type",
    "bad_fields",
    "forbidden",
    "not_admitted",
    "too_many",
}
KNOWN_TYPES = {
    "join",
    "present",
    "admit",
    "offer",
    "answer",
    "ice",
    "chat",
    "state",
    "leave",
    "end",
    "ping",
}


# --- What to send --------------------------------------------------------------------

json_scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=20)
json_values = st.recursive(
    json_scalars | st.floats(allow_nan=False, allow_infinity=False),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
flags = st.fixed_dictionaries(
    {},
    optional={
        "muted": st.booleans(),
        "camera": st.booleans(),
        "audioOnly": st.booleans(),
    },
).filter(bool)
FIELDS = {
    "offer": st.fixed_dictionaries({"sdp": st.text(max_size=300)}),
    "answer": st.fixed_dictionaries({"sdp": st.text(max_size=300)}),
    "ice": st.fixed_dictionaries(
        {
            "candidate": st.none() | st.text(max_size=80),
            "sdpMid": st.none() | st.text(max_size=4),
            "sdpMLineIndex": st.none() | st.integers(min_value=0, max_value=10**6),
        }
    ),
    "chat": st.fixed_dictionaries({"text": st.text(min_size=1, max_size=1000)}),
    "state": flags,
}
# `end` finishes the call (and the example), so it is drawn less often.
TYPE_DRAW = [*sorted(KNOWN_TYPES - {"end"})] * 3 + ["end"]


def valid_message(message_type: str):
    fields = FIELDS.get(message_type, st.just({}))
    return fields.map(lambda values: {"type": message_type, **values})


valid_messages = st.sampled_from(TYPE_DRAW).flatmap(valid_message)

# Wrong values for each field: the documented type or size is not met.
WRONG = {
    "sdp": st.integers()
    | st.none()
    | st.lists(st.text(max_size=3), max_size=2)
    | st.just("s" * 60_001),
    "candidate": st.integers() | st.booleans() | st.lists(st.integers(), max_size=2),
    "sdpMid": st.integers() | st.booleans() | st.dictionaries(st.text(), st.text()),
    "sdpMLineIndex": st.integers(max_value=-1)
    | st.booleans()
    | st.text(max_size=3)
    | st.floats(allow_nan=False, allow_infinity=False),
    "text": st.just("")
    | st.text(min_size=1001, max_size=1100)
    | st.integers()
    | st.none(),
    "muted": st.integers() | st.text(max_size=3) | st.none(),
    "camera": st.integers() | st.text(max_size=3) | st.none(),
    "audioOnly": st.integers() | st.text(max_size=3) | st.none(),
}
ALL_FIELDS = set(WRONG) | {"type"}


@st.composite
def near_valid(draw):
    """A valid message with one documented field rule broken: bad_fields."""
    message = draw(valid_messages)
    fields = [name for name in message if name != "type"]
    choices = ["unknown"]
    if fields:
        choices += ["missing", "wrong"]
    if message["type"] == "state":
        choices.append("empty")
    how = draw(st.sampled_from(choices))
    if how == "unknown":
        name = draw(
            st.text(min_size=1, max_size=12).filter(lambda n: n not in ALL_FIELDS)
        )
        # A field of another type is as unexpected as a made-up one.
        message[name] = draw(json_values)
    elif how == "missing" and message["type"] != "state":
        del message[draw(st.sampled_from(fields))]
    elif how == "empty":
        message = {"type": "state"}
    else:
        name = draw(st.sampled_from(fields))
        message[name] = draw(WRONG[name])
    return message


def reject_constants(name):
    raise ValueError(name)


def parses_as_json(text: str) -> bool:
    try:
        json.loads(text, parse_constant=reject_constants)
    except (ValueError, RecursionError):
        return False
    return True


def frame(payload) -> dict:
    if isinstance(payload, bytes):
        return {"type": "websocket.receive", "bytes": payload}
    return {"type": "websocket.receive", "text": payload}


# Each draw: (who sends, the frame's payload, the expected error code or None for a
# message the protocol accepts in the right role and moment).
garbage = st.one_of(
    st.binary(max_size=200).map(lambda data: (data, "malformed")),
    st.text(max_size=200)
    .filter(lambda text: not parses_as_json(text))
    .map(lambda text: (text, "malformed")),
    json_values.filter(lambda value: not isinstance(value, dict)).map(
        lambda value: (json.dumps(value), "malformed")
    ),
    st.sampled_from(["NaN", '{"type": "ping", "x": Infinity}', "[" * 5000]).map(
        lambda text: (text, "malformed")
    ),
    st.dictionaries(st.text(max_size=8), json_values, max_size=4)
    .map(lambda value: {**value, "type": value.get("type")})
    # A list or object as the type is unknown too (and cannot be looked up in a set).
    .filter(
        lambda value: (
            not isinstance(value["type"], str) or value["type"] not in KNOWN_TYPES
        )
    )
    .map(lambda value: (json.dumps(value), "unknown_type")),
    st.integers(min_value=1, max_value=400).map(
        lambda extra: (
            json.dumps({"type": "chat", "text": "x" * (MAX_FRAME_BYTES + extra)}),
            "too_large",
        )
    ),
    # Fewer characters than 64 KiB, more UTF-8 bytes.
    st.just(
        (
            json.dumps({"type": "chat", "text": "ў" * 33_000}, ensure_ascii=False),
            "too_large",
        )
    ),
)
# Half valid, a quarter near-valid, a quarter garbage: every refused frame costs a
# reconnection, so valid ones keep the run short and the call's state moving.
valid_steps = valid_messages.map(lambda message: (json.dumps(message), None))
steps = st.tuples(
    st.sampled_from([CLIENT, SPECIALIST]),
    st.one_of(
        valid_steps,
        valid_steps,
        near_valid().map(lambda message: (json.dumps(message), "bad_fields")),
        garbage,
    ),
)


# --- The call -----------------------------------------------------------------------


class SteppingClock:
    """Moves a tenth of a second per reading: at most 10 messages a "second"."""

    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 0.1
        return self.now


def session_cookie(user) -> bytes:
    browser = Client()
    browser.force_login(user)
    return f"sessionid={browser.cookies['sessionid'].value}".encode()


def room_create() -> dict:
    terms, _ = ConsentTerms.objects.get_or_create(
        version="fuzz-1", defaults={"text": "Online consultations are private."}
    )
    client = user_create(roles=())
    ConsentRecord.objects.create(user=client, terms=terms)
    specialist = SpecialistProfile.objects.create(
        user=user_create(roles=("Specialist",)), kind="psychologist", bio="Listens."
    )
    booking = booking_create(
        client=client, specialist=specialist, starts_in=timedelta(minutes=5)
    )
    return {
        "path": f"/ws/consultations/{booking.pk}/",
        CLIENT: session_cookie(client),
        SPECIALIST: session_cookie(specialist.user),
    }


class FuzzFailure(AssertionError):
    pass


class Call:
    """Both sides of one call, with what each side must still receive."""

    def __init__(self, room: dict):
        self.room = room
        self.sockets = {}
        self.admitted = False
        self.ended = False
        # Frames each side must receive from the other, in order.
        self.owed = {CLIENT: [], SPECIALIST: []}
        self.sent = 0

    async def join(self, role: str):
        socket = WebsocketCommunicator(
            application,
            self.room["path"],
            headers=[*HEADERS, (b"cookie", self.room[role])],
        )
        connected, _ = await socket.connect()
        if not connected:
            raise FuzzFailure(f"{role} could not connect")
        welcome = await socket.receive_json_from()
        if welcome.get("type") != "welcome" or welcome.get("admitted") != self.admitted:
            raise FuzzFailure(f"{role} got {welcome!r} instead of welcome")
        self.sockets[role] = socket

    async def start(self):
        for role in (CLIENT, SPECIALIST):
            await self.join(role)

    async def next_frame(self, role: str) -> dict:
        """The next frame for `role` that is not owed by the other side."""
        socket = self.sockets[role]
        while True:
            # A deadline for an answer that must come, not a speed goal: on a loaded
            # machine (two test processes, Chromium beside) 2 s was too short.
            output = await socket.receive_output(timeout=ANSWER_WAIT_S)
            if output["type"] == "websocket.close":
                return {"closed": output.get("code", 1000)}
            payload = json.loads(output["text"])
            owed = self.owed[role]
            if owed and matches(payload, owed[0]):
                owed.pop(0)
                continue
            return payload

    async def closed_and_rejoined(self, role: str, code: int):
        answer = await self.next_frame(role)
        if answer != {"closed": code}:
            raise FuzzFailure(f"{role}: expected close {code}, got {answer!r}")
        await self.sockets.pop(role).disconnect()
        self.owed[OTHER[role]].append({"type": "peer", "event": "left", "role": role})
        if not self.ended:
            await self.join(role)

    async def send(self, role: str, payload, expected_error: str | None):
        await self.sockets[role].send_input(frame(payload))
        self.sent += 1
        if expected_error is None:
            expected_error = self.refusal(role, json.loads(payload))
        if expected_error is not None:
            error = await self.next_frame(role)
            if (
                error.get("type") != "error"
                or error.get("code") != expected_error
                or not isinstance(error.get("message"), str)
                or set(error) != {"type", "code", "message"}
            ):
                raise FuzzFailure(
                    f"{role} sent {str(payload)[:200]!r}: expected error "
                    f"{expected_error}, got {error!r}"
                )
            await self.closed_and_rejoined(role, 4400)
            return
        await self.accepted(role, json.loads(payload))

    def refusal(self, role: str, message: dict) -> str | None:
        if message["type"] in SPECIALIST_ONLY and role != SPECIALIST:
            return "forbidden"
        if message["type"] in MEDIA_AND_CHAT and not self.admitted:
            return "not_admitted"
        return None

    async def accepted(self, role: str, message: dict):
        other = OTHER[role]
        kind = message["type"]
        if kind in RELAYED:
            self.owed[other].append({**message, "from": role})
        elif kind == "chat":
            self.owed[other].append(
                {"type": "chat", "text": message["text"], "from": role}
            )
        elif kind in ("join", "present"):
            event = "joined" if kind == "join" else "present"
            self.owed[other].append({"type": "peer", "event": event, "role": role})
        elif kind == "admit":
            self.admitted = True
            self.owed[other].append({"type": "admitted"})
            await self.expect(role, {"type": "admitted"})
        elif kind == "leave":
            self.owed[other].append({"type": "leave", "from": role})
            await self.closed_and_rejoined(role, 1000)
            return
        elif kind == "end":
            self.ended = True
            await self.expect(role, {"type": "ended"})
            await self.closed_and_rejoined(role, 1000)
            await self.expect(other, {"type": "ended"})
            await self.closed_and_rejoined(other, 1000)
            return
        if kind != "ping":
            # A fence: a message with no answer of its own was taken quietly.
            await self.sockets[role].send_json_to({"type": "ping"})
        await self.expect(role, {"type": "pong"})

    async def expect(self, role: str, wanted: dict):
        got = await self.next_frame(role)
        if got != wanted:
            raise FuzzFailure(f"{role}: expected {wanted!r}, got {got!r}")

    async def settle(self):
        """Everything owed has arrived, and nothing else."""
        for role in list(self.sockets):
            await self.sockets[role].send_json_to({"type": "ping"})
            await self.expect(role, {"type": "pong"})
            if self.owed[role]:
                raise FuzzFailure(f"{role} never received {self.owed[role][:3]!r}")

    async def leave(self):
        for socket in self.sockets.values():
            await socket.disconnect()


def matches(payload: dict, owed: dict) -> bool:
    if owed.get("type") == "chat":
        return {k: v for k, v in payload.items() if k != "at"} == owed and isinstance(
            payload.get("at"), str
        )
    return payload == owed


async def run_steps(plan) -> int:
    """Send the plan's frames in one call; after `end`, go on in a new one."""
    sent = 0
    call = None
    try:
        for role, (payload, expected_error) in plan:
            if call is None or call.ended:
                if call is not None:
                    sent += call.sent
                    await call.leave()
                call = Call(await database_sync_to_async(room_create)())
                await call.start()
            await call.send(role, payload, expected_error)
        if not call.ended:
            await call.settle()
    finally:
        if call is not None:
            sent += call.sent
            await call.leave()
    return sent


class SignalingFuzzTests:
    def test_ten_thousand_generated_messages(self, monkeypatch):
        monkeypatch.setattr(
            consumers, "RateLimiter", lambda: RateLimiter(clock=SteppingClock())
        )
        counted = {"messages": 0}

        async def main():
            loop = asyncio.get_running_loop()
            bystanders = Call(await database_sync_to_async(room_create)())
            await bystanders.start()
            await bystanders.send(SPECIALIST, json.dumps({"type": "admit"}), None)
            await bystanders.settle()

            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(st.lists(steps, min_size=MESSAGES_PER_EXAMPLE, max_size=120))
            def fuzz(plan):
                future = asyncio.run_coroutine_threadsafe(run_steps(plan), loop)
                counted["messages"] += future.result(timeout=120)

            try:
                await asyncio.to_thread(fuzz)
                # The other call heard nothing of it, and still works.
                for role in (CLIENT, SPECIALIST):
                    assert await bystanders.sockets[role].receive_nothing(timeout=0.2)
                await bystanders.send(
                    CLIENT, json.dumps({"type": "chat", "text": "Hi"}), None
                )
                await bystanders.settle()
            finally:
                await bystanders.leave()

        async_to_sync(main)()
        assert counted["messages"] >= TARGET_MESSAGES

    def test_a_burst_at_the_real_clock_gets_too_many(self):
        async def burst():
            call = Call(await database_sync_to_async(room_create)())
            await call.start()
            socket = call.sockets[CLIENT]
            try:
                for _ in range(21):
                    await socket.send_json_to({"type": "ping"})
                answers = [await socket.receive_output(timeout=5) for _ in range(22)]
            finally:
                await call.leave()
            return answers

        answers = async_to_sync(burst)()
        texts = [
            json.loads(a["text"]) for a in answers if a["type"] == "websocket.send"
        ]
        assert texts[:20] == [{"type": "pong"}] * 20
        assert texts[20]["type"] == "error"
        assert texts[20]["code"] == "too_many"
        assert answers[-1] == {"type": "websocket.close", "code": 4400}
