"""Checking a practice answer against the lesson's question, on the server."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from core.transliteration import in_reader_script

# What a learner is told about an answer. The same words are given to the lesson
# page's script (learning_tags.progress_words) for an answer checked on the phone.
VERDICTS = {
    "right": _("Right!"),
    "partly": _("Partly right: there is another right answer too."),
    "wrong": _("Not quite. Read the note under your answer and try again."),
}


@dataclass(frozen=True)
class OptionFeedback:
    index: int
    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class AnswerResult:
    question_id: str
    choices: tuple[int, ...]
    correct: bool
    message: str
    options: tuple[OptionFeedback, ...]

    def as_dict(self) -> dict:
        """The result as JSON for the lesson page's script, in the reader's script:
        a page is written in Cyrillic as it is sent, JSON is not (the trainer's
        feedback is Uzbek Latin)."""
        return {
            "question": self.question_id,
            "choices": list(self.choices),
            "correct": self.correct,
            "message": in_reader_script(self.message),
            "options": [
                {
                    "index": option.index,
                    "correct": option.correct,
                    "feedback": in_reader_script(option.feedback),
                }
                for option in self.options
            ],
        }


def answer_choices_valid(question, choices) -> bool:
    """Whether the chosen option numbers exist and fit a single- or multiple-choice
    question.
    """
    count = len(question["options"])
    if not choices or any(not 0 <= choice < count for choice in choices):
        return False
    return bool(question["multiple"]) or len(choices) == 1


def answer_check(*, question_id: str, question, choices) -> AnswerResult:
    options = list(question["options"])
    right = {index for index, option in enumerate(options) if option["correct"]}
    chosen = set(choices)
    correct = chosen == right
    if correct:
        verdict = "right"
    elif chosen < right:
        verdict = "partly"
    else:
        verdict = "wrong"
    feedback = tuple(
        OptionFeedback(
            index=index,
            text=options[index]["text"],
            correct=index in right,
            feedback=options[index]["feedback"],
        )
        for index in sorted(chosen)
    )
    return AnswerResult(
        question_id=question_id,
        choices=tuple(sorted(chosen)),
        correct=correct,
        message=str(VERDICTS[verdict]),
        options=feedback,
    )
