"""Lesson simulations: the trainer's graph is checked, the server keeps score.

The flow is played with plain form posts (JavaScript off). A post may only take a
choice offered on the screen the server says the learner is at; anything else is
refused with 400 and changes nothing.
"""

import re

import pytest
from django.urls import reverse
from wagtail.blocks.struct_block import StructBlockValidationError

from learning.models import LessonPage, LessonProgress, ProgressEvent, SimulationRun
from learning.simulation_blocks import SimulationBlock
from tests.accounts.factories import user_create
from tests.learning.factories import course_create
from tests.support.i18n import uz
from tests.support.mfa import mark_second_factor_passed

pytestmark = pytest.mark.django_db


def choice(label, next_key):
    return {"label": label, "next": next_key}


def bank_caller() -> dict:
    """A caller "from the bank" asks for the SMS code: one safe way out, two traps."""
    return {
        "title": "Bankdan qoʻngʻiroq",
        "intro": "Bank xodimi deb tanishtirgan kishi qoʻngʻiroq qiladi.",
        "screens": [
            {
                "type": "call",
                "value": {
                    "key": "call",
                    "caller_name": "Bank xodimi",
                    "caller_number": "+998 71 000 00 00",
                    "says": "Kartangiz bloklandi. SMS kodni ayting.",
                    "choices": [
                        choice("Kodni aytaman", "gave-code"),
                        choice(
                            "Goʻshakni qoʻyib, bankka oʻzim qoʻngʻiroq qilaman", "safe"
                        ),  # noqa: E501
                        choice("SMSni kutaman", "sms"),
                    ],
                },
            },
            {
                "type": "message",
                "value": {
                    "key": "sms",
                    "app": "sms",
                    "sender": "900",
                    "text": "Kod: 4821. Hech kimga aytmang.",
                    "link_text": "",
                    "choices": [
                        choice("Kodni oʻqib beraman", "gave-code"),
                        choice("Goʻshakni qoʻyaman", "safe"),
                    ],
                },
            },
        ],
        "endings": [
            {
                "key": "gave-code",
                "safe": False,
                "title": "Pul yechib olindi",
                "explanation": "Bank hech qachon SMS kodni soʻramaydi.",
            },
            {
                "key": "safe",
                "safe": True,
                "title": "Toʻgʻri qildingiz",
                "explanation": "Kartadagi raqamga oʻzingiz qoʻngʻiroq qiling.",
            },
        ],
    }


def clean(raw: dict):
    block = SimulationBlock()
    return block.clean(block.to_python(raw))


def errors_of(raw: dict) -> StructBlockValidationError:
    with pytest.raises(StructBlockValidationError) as caught:
        clean(raw)
    return caught.value


def messages(error) -> list[str]:
    return [str(message) for message in error.messages]


def lesson_with_simulation(value=None) -> tuple[LessonPage, str]:
    course, lessons = course_create(lessons=1)
    lesson = lessons[0]
    lesson.body.append(
        ("simulation", SimulationBlock().to_python(value or bank_caller()))
    )
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    block_id = next(b.id for b in lesson.body if b.block_type == "simulation")
    return lesson, block_id


def play_url(lesson, block_id) -> str:
    return reverse("learning_simulation", args=[lesson.pk, block_id])


def run_state(user):
    return [
        (run.tries, run.path, run.current, run.ended_at, run.safe)
        for run in SimulationRun.objects.filter(user=user).order_by("tries")
    ]


class SimulationBlockValidationTests:
    def test_a_sound_simulation_is_accepted(self):
        value = clean(bank_caller())
        assert [child.value["key"] for child in value["screens"]] == ["call", "sms"]

    def test_a_choice_leading_nowhere_is_shown_on_that_choice(self):
        raw = bank_caller()
        raw["screens"][1]["value"]["choices"][1]["next"] = "saef"
        error = errors_of(raw)
        screen = error.block_errors["screens"].block_errors[1]
        choice_error = screen.block_errors["choices"].block_errors[1]
        assert "saef" in messages(choice_error.block_errors["next"])[0]

    def test_an_ending_no_choice_leads_to_is_shown_on_that_ending(self):
        raw = bank_caller()
        raw["endings"].append(
            {
                "key": "lonely",
                "safe": False,
                "title": "Hech kim kelmaydi",
                "explanation": "Bu oxirga hech qaysi tanlov olib kelmaydi.",
            }
        )
        error = errors_of(raw)
        assert "screens" not in error.block_errors
        ending = error.block_errors["endings"].block_errors[2]
        assert list(ending.block_errors) == ["key"]

    def test_a_loop_without_an_exit_is_refused(self):
        raw = bank_caller()
        # "sms" now only leads to a new "wait" screen, which only leads back.
        raw["screens"][1]["value"]["choices"] = [choice("Kutaman", "wait")]
        raw["screens"].append(
            {
                "type": "message",
                "value": {
                    "key": "wait",
                    "app": "messenger",
                    "sender": "Bank",
                    "text": "Yana kuting.",
                    "link_text": "",
                    "choices": [choice("Kutaman", "sms")],
                },
            }
        )
        error = errors_of(raw)
        screens = error.block_errors["screens"].block_errors
        assert sorted(screens) == [1, 2]
        for index in (1, 2):
            assert screens[index].block_errors["choices"].non_block_errors
        assert "endings" not in error.block_errors

    def test_errors_reach_the_editor_as_json(self):
        """The admin's editor shows block errors from their JSON form."""
        import json

        raw = bank_caller()
        raw["screens"][1]["value"]["choices"][1]["next"] = "saef"
        raw["endings"][1]["safe"] = False
        data = json.dumps(errors_of(raw).as_json_data(), ensure_ascii=False)
        assert "saef" in data
        safe_needed = uz(
            "Mark at least one ending as safe: the learner must be able to get it "
            "right."
        )
        assert safe_needed in data

    def test_a_simulation_without_a_safe_ending_is_refused(self):
        raw = bank_caller()
        raw["endings"][1]["safe"] = False
        error = errors_of(raw)
        assert error.block_errors["endings"].non_block_errors

    def test_a_simulation_without_endings_is_refused(self):
        raw = bank_caller()
        raw["endings"] = []
        error = errors_of(raw)
        assert error.block_errors["endings"]

    def test_two_steps_with_one_name_are_refused(self):
        raw = bank_caller()
        raw["endings"][0]["key"] = "sms"
        error = errors_of(raw)
        assert list(error.block_errors["endings"].block_errors[0].block_errors) == [
            "key"
        ]

    def test_keys_are_not_offered_to_translators(self):
        from wagtail_localize.segments.extract import StreamFieldSegmentExtractor

        lesson, _ = lesson_with_simulation()
        segments = StreamFieldSegmentExtractor(
            LessonPage._meta.get_field("body")
        ).handle_stream_block(lesson.body)
        texts = {
            segment.string.data for segment in segments if hasattr(segment, "string")
        }
        assert "Bank hech qachon SMS kodni soʻramaydi." in texts
        assert not texts & {"call", "sms", "gave-code", "safe"}


def test_a_trainer_opens_a_lesson_with_a_simulation_in_the_editor(client):
    lesson, _block_id = lesson_with_simulation()
    trainer = user_create(roles=("Trainer",))
    client.force_login(trainer)
    mark_second_factor_passed(client, trainer)
    response = client.get(reverse("wagtailadmin_pages:edit", args=[lesson.pk]))
    assert response.status_code == 200
    assert "Kartangiz bloklandi" in response.content.decode()


class SimulationFlowTests:
    def test_the_lesson_page_invites_to_the_practice_without_its_screens(self, client):
        lesson, block_id = lesson_with_simulation()
        html = client.get(lesson.url).content.decode()
        assert play_url(lesson, block_id) in html
        assert "Bankdan qoʻngʻiroq" in html
        assert "SMS kodni ayting" not in html

    def test_a_visitor_is_asked_to_sign_in_and_nothing_is_stored(self, client):
        lesson, block_id = lesson_with_simulation()
        page = client.get(play_url(lesson, block_id))
        assert page.status_code == 200
        assert reverse("account_login") in page.content.decode()
        posted = client.post(
            play_url(lesson, block_id),
            {"action": "choose", "run": "", "screen": "call", "choice": "1"},
        )
        assert posted.status_code == 302
        assert reverse("account_login") in posted["Location"]
        assert not SimulationRun.objects.exists()

    def test_playing_to_the_safe_ending_records_progress(self, client):
        lesson, block_id = lesson_with_simulation()
        user = user_create()
        client.force_login(user)
        url = play_url(lesson, block_id)
        first = client.get(url).content.decode()
        assert "data-simulation" in first
        assert "Kartangiz bloklandi" in first
        assert uz("Practice — not a real message") in first
        assert 'id="simulation-screen" tabindex="-1" autofocus' in first
        response = client.post(
            url, {"action": "choose", "run": "", "screen": "call", "choice": "1"}
        )
        assert response.status_code == 303
        ending = client.get(url).content.decode()
        assert 'data-simulation-result="safe"' in ending
        assert uz("Practice — not a real message") in ending
        run = SimulationRun.objects.get(user=user)
        assert (run.path, run.safe, run.tries) == (["call", "safe"], True, 1)
        assert (
            ProgressEvent.objects.filter(
                user=user, lesson=lesson, kind="simulation", question_id=block_id
            ).count()
            == 1
        )
        assert LessonProgress.objects.filter(user=user, lesson=lesson).exists()
        lesson_html = client.get(lesson.url).content.decode()
        assert uz("You have done this practice safely.") in lesson_html

    def test_playing_to_an_unsafe_ending_records_the_path_and_no_progress(self, client):
        lesson, block_id = lesson_with_simulation()
        user = user_create()
        client.force_login(user)
        url = play_url(lesson, block_id)
        client.post(
            url, {"action": "choose", "run": "", "screen": "call", "choice": "2"}
        )
        run = SimulationRun.objects.get(user=user)
        sms = client.get(url).content.decode()
        assert "Kod: 4821" in sms
        assert f'name="run" value="{run.pk}"' in sms
        client.post(
            url, {"action": "choose", "run": run.pk, "screen": "sms", "choice": "0"}
        )
        ending = client.get(url).content.decode()
        assert 'data-simulation-result="unsafe"' in ending
        run.refresh_from_db()
        assert (run.path, run.safe) == (["call", "sms", "gave-code"], False)
        assert not ProgressEvent.objects.filter(user=user).exists()

    def test_a_pretend_form_sends_nothing_typed_in_it(self, client):
        raw = bank_caller()
        raw["screens"][1] = {
            "type": "form",
            "value": {
                "key": "sms",
                "title": "Davlat xizmatlari portali",
                "intro": "Yashash joyi haqida maʼlumotnoma",
                "fields": [
                    {"label": "Pasport seriyasi", "kind": "passport"},
                    {"label": "SMS kod", "kind": "code"},
                ],
                "choices": [
                    choice("Yuboraman", "safe"),
                    choice("Kodni qoʻngʻiroq qilganga aytaman", "gave-code"),
                ],
            },
        }
        lesson, block_id = lesson_with_simulation(raw)
        user = user_create()
        client.force_login(user)
        url = play_url(lesson, block_id)
        client.post(
            url, {"action": "choose", "run": "", "screen": "call", "choice": "2"}
        )
        html = client.get(url).content.decode()
        assert "Pasport seriyasi" in html
        form = re.search(r'<div class="pretend-form">.*?</div>', html, re.S).group(0)
        assert form.count("<input") == 2
        assert "name=" not in form
        # The pretend fields are outside the one form that posts.
        posted = re.search(r"<form [^>]*data-simulation.*?</form>", html, re.S).group(0)
        assert "Pasport seriyasi" not in posted

    def test_try_again_starts_a_new_numbered_run(self, client):
        lesson, block_id = lesson_with_simulation()
        user = user_create()
        client.force_login(user)
        url = play_url(lesson, block_id)
        client.post(
            url, {"action": "choose", "run": "", "screen": "call", "choice": "0"}
        )
        first = SimulationRun.objects.get(user=user)
        response = client.post(url, {"action": "restart", "run": first.pk})
        assert response.status_code == 303
        again = client.get(url).content.decode()
        assert "Kartangiz bloklandi" in again
        second = SimulationRun.objects.get(user=user, tries=2)
        assert (second.path, second.current, second.ended) == (["call"], "call", False)
        client.post(
            url, {"action": "choose", "run": second.pk, "screen": "call", "choice": "1"}
        )
        assert [run.safe for run in SimulationRun.objects.order_by("tries")] == [
            False,
            True,
        ]


def test_a_translated_lesson_plays_in_its_language_and_counts_on_the_uzbek_one(
    client,
):
    """wagtail-localize keeps the block ids and the keys: one graph, two languages."""
    from wagtail.models import Locale

    from demo.translation import page_translation_publish

    lesson, block_id = lesson_with_simulation()
    russian = Locale.objects.get(language_code="ru")
    strings = {"Kartangiz bloklandi. SMS kodni ayting.": "Карта заблокирована."}
    course = lesson.get_parent().specific
    for page in [*course.get_ancestors().filter(depth__gt=1).specific(), course]:
        existing = page.get_translation_or_none(russian)
        if existing is None or existing.alias_of_id is not None:
            page_translation_publish(page=page, locale=russian, strings=strings)
    translated = page_translation_publish(page=lesson, locale=russian, strings=strings)
    user = user_create()
    client.force_login(user)
    translated.specific.save_revision().publish()
    url = play_url(translated, block_id)
    assert "Карта заблокирована." in client.get(url).content.decode()
    client.post(url, {"action": "choose", "run": "", "screen": "call", "choice": "1"})
    run = SimulationRun.objects.get(user=user)
    assert (run.lesson_id, run.safe) == (lesson.pk, True)
    assert (
        ProgressEvent.objects.get(user=user, kind="simulation").lesson_id == lesson.pk
    )


class ForgedPostTests:
    def setup_method(self):
        self.lesson, self.block_id = lesson_with_simulation()
        self.url = play_url(self.lesson, self.block_id)

    def started(self, client):
        user = user_create()
        client.force_login(user)
        client.post(
            self.url, {"action": "choose", "run": "", "screen": "call", "choice": "2"}
        )
        return user, SimulationRun.objects.get(user=user)

    def refused(self, client, user, data):
        before = run_state(user)
        response = client.post(self.url, data)
        assert response.status_code == 400
        assert run_state(user) == before
        assert not ProgressEvent.objects.filter(user=user).exists()
        return response

    def test_a_choice_not_on_the_current_screen_is_refused(self, client):
        user, run = self.started(client)  # at "sms", which has two choices
        self.refused(
            client,
            user,
            {"action": "choose", "run": run.pk, "screen": "sms", "choice": "2"},
        )

    def test_a_choice_of_another_screen_is_refused(self, client):
        user, run = self.started(client)
        # "call" offers the safe way out as choice 1; the run is at "sms" now.
        self.refused(
            client,
            user,
            {"action": "choose", "run": run.pk, "screen": "call", "choice": "1"},
        )

    def test_a_jump_to_the_first_screen_without_a_run_is_refused(self, client):
        user, _run = self.started(client)
        self.refused(
            client,
            user,
            {"action": "choose", "run": "", "screen": "call", "choice": "1"},
        )

    def test_another_persons_run_is_refused(self, client):
        owner, run = self.started(client)
        intruder = user_create()
        client.force_login(intruder)
        before = run_state(owner)
        response = client.post(
            self.url,
            {"action": "choose", "run": run.pk, "screen": "sms", "choice": "1"},
        )
        assert response.status_code == 400
        assert run_state(owner) == before
        assert not SimulationRun.objects.filter(user=intruder).exists()

    def test_a_finished_run_is_refused(self, client):
        user, run = self.started(client)
        client.post(
            self.url,
            {"action": "choose", "run": run.pk, "screen": "sms", "choice": "0"},
        )
        self.refused(
            client,
            user,
            {"action": "choose", "run": run.pk, "screen": "sms", "choice": "1"},
        )

    def test_garbage_is_refused(self, client):
        user, run = self.started(client)
        for data in (
            {"action": "choose", "run": run.pk, "screen": "sms", "choice": "-1"},
            {"action": "choose", "run": run.pk, "screen": "sms", "choice": "x"},
            {"action": "choose", "run": "abc", "screen": "sms", "choice": "1"},
            {"action": "jump", "run": run.pk, "screen": "safe"},
        ):
            self.refused(client, user, data)

    def test_a_first_post_from_another_screen_starts_nothing(self, client):
        user = user_create()
        client.force_login(user)
        response = client.post(
            self.url, {"action": "choose", "run": "", "screen": "sms", "choice": "1"}
        )
        assert response.status_code == 400
        assert not SimulationRun.objects.filter(user=user).exists()

    def test_the_safe_ending_posted_twice_counts_once(self, client):
        user, run = self.started(client)
        data = {"action": "choose", "run": run.pk, "screen": "sms", "choice": "1"}
        assert client.post(self.url, data).status_code == 303
        again = client.post(self.url, data)
        assert again.status_code == 400
        assert 'data-simulation-result="safe"' in again.content.decode()
        assert ProgressEvent.objects.filter(user=user, kind="simulation").count() == 1
        assert SimulationRun.objects.filter(user=user).count() == 1

    def test_try_again_posted_twice_starts_one_run(self, client):
        user, run = self.started(client)
        data = {"action": "restart", "run": run.pk}
        assert client.post(self.url, data).status_code == 303
        assert client.post(self.url, data).status_code == 400
        assert SimulationRun.objects.filter(user=user).count() == 2

    def test_an_unknown_simulation_is_404(self, client):
        client.force_login(user_create())
        url = play_url(self.lesson, "not-a-block")
        assert client.get(url).status_code == 404

    def test_an_unpublished_lesson_is_404(self, client):
        client.force_login(user_create())
        self.lesson.unpublish()
        assert client.get(self.url).status_code == 404


def test_the_progress_api_does_not_take_simulation_events(client):
    """Only the server may say a simulation ended safely."""
    user = user_create()
    client.force_login(user)
    lesson, block_id = lesson_with_simulation()
    event = {
        "id": "6f1c1d2e-8a43-4a8e-9d3b-2f0d1c6b7a11",
        "lesson": lesson.pk,
        "visit": "0b0c9d7e-1f2a-4b3c-8d4e-5f6a7b8c9d0e",
        "type": "simulation",
        "at": "2026-01-01T10:00:00Z",
    }
    response = client.post(
        reverse("learning_progress_record"),
        {"events": [event]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert not ProgressEvent.objects.filter(user=user).exists()


def test_the_demo_bank_caller_is_sound_with_two_traps_and_a_way_out():
    from demo.courses import courses_read

    simulations = [
        block["value"]
        for course in courses_read()
        for lesson in course["lessons"]
        for block in lesson["body"]
        if block["type"] == "simulation"
    ]
    assert simulations
    for raw in simulations:
        value = clean(raw)
        safe = [ending["safe"] for ending in value["endings"]]
        assert safe.count(False) >= 2
        assert safe.count(True) >= 1


def test_the_demo_has_a_prize_sms_a_new_number_and_a_portal_form():
    from demo.courses import courses_read

    by_lesson = {
        lesson["slug"]: clean(block["value"])
        for course in courses_read()
        for lesson in course["lessons"]
        for block in lesson["body"]
        if block["type"] == "simulation"
    }
    assert len(by_lesson) == 4
    prize = by_lesson["soxta-yutuq-xabarlari"]
    assert prize["screens"][0].block_type == "message"
    assert prize["screens"][0].value["app"] == "sms"
    assert prize["screens"][0].value["link_text"]
    relative = by_lesson["telegramda-videoqongiroq"]
    assert {screen.value["app"] for screen in relative["screens"]} == {"messenger"}
    portal = by_lesson["portal-bilan-tanishuv"]
    forms = [
        screen.value for screen in portal["screens"] if screen.block_type == "form"
    ]
    kinds = [field["kind"] for form in forms for field in form["fields"]]
    assert "passport" in kinds
    # The fake portal asks for card data; the real one (reached by typing the
    # address) leads to the safe ending without paying anyone.
    fake = next(form for form in forms if form["key"] == "soxta-portal")
    assert "my.gov.uz" not in fake["intro"].replace("my-gov-uz", "")
    assert {"number", "code"} <= {field["kind"] for field in fake["fields"]}
    real = next(form for form in forms if form["key"] == "xizmat")
    assert "my.gov.uz" in real["title"]
    assert any(field["kind"] == "code" for field in fake["fields"])
    endings = {ending["key"]: ending["safe"] for ending in portal["endings"]}
    assert endings == {"karta-berildi": False, "begonaga-pul": False, "xavfsiz": True}
