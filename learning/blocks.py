"""StreamField blocks of lessons and of a course's final assessment.

Each block renders through its own template under `templates/blocks/`, so that a
trainer's content looks the same wherever it is used. The information pages of
`cms` reuse the text features and the tip block from here.

A bank question of the final assessment has the same shape as a lesson's practice
question (text, options, which are right, feedback per option), so trainers learn
one editor; it is never rendered by its block template, only by the assessment
views, which leave out the right answers until the attempt is submitted.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from .simulation_blocks import SimulationBlock

RICH_TEXT_FEATURES = ["bold", "italic", "ol", "ul", "link", "h2", "h3"]


class StepBlock(blocks.StructBlock):
    """One numbered step: what to do, optionally with a picture of the screen."""

    instruction = blocks.TextBlock(
        label=_("Instruction"),
        help_text=_("One action in plain words, for example: Press the green button."),
    )
    image = ImageChooserBlock(
        label=_("Picture"),
        required=False,
    )
    image_alt = blocks.CharBlock(
        label=_("Picture description"),
        required=False,
        max_length=250,
        help_text=_("What the picture shows, for people who cannot see it."),
    )

    def clean(self, value):
        result = super().clean(value)
        if result.get("image") and not result.get("image_alt"):
            raise StructBlockValidationError(
                block_errors={
                    "image_alt": ValidationError(
                        _("Describe the picture for people who cannot see it.")
                    )
                }
            )
        return result

    class Meta:
        icon = "list-ol"
        label = _("Numbered step")
        template = "blocks/step_block.html"


class CalloutBlock(blocks.StructBlock):
    """A tip or a warning set apart from the text, its kind written out in words."""

    kind = blocks.ChoiceBlock(
        label=_("Kind"),
        choices=[("tip", _("Tip")), ("warning", _("Warning"))],
        default="tip",
    )
    text = blocks.TextBlock(label=_("Text"))

    class Meta:
        icon = "warning"
        label = _("Tip or warning")
        template = "blocks/callout_block.html"


class VideoBlock(blocks.StructBlock):
    """A lesson video: one of the trainers' uploads (`videos.LessonVideo`), played
    from its HLS ladder. Until a video is chosen and ready, the title and the
    description stand in for it.
    """

    video = SnippetChooserBlock(
        "videos.LessonVideo",
        label=_("Video"),
        required=False,
        help_text=_("Upload it first under “Lesson videos”."),
    )
    title = blocks.CharBlock(label=_("Title"), max_length=200)
    description = blocks.TextBlock(
        label=_("What the video shows"),
        required=False,
    )

    def get_context(self, value, parent_context=None):
        from videos.selectors import video_player_get

        context = super().get_context(value, parent_context=parent_context)
        context["player"] = video_player_get(
            video=value.get("video"), language=get_language()
        )
        return context

    class Meta:
        icon = "media"
        label = _("Video")
        template = "blocks/video_block.html"


class TranscriptBlock(blocks.StructBlock):
    """The words spoken in a video, for people who cannot hear it or cannot play it."""

    text = blocks.TextBlock(label=_("Transcript"))

    class Meta:
        icon = "doc-full"
        label = _("Transcript")
        template = "blocks/transcript_block.html"


class AnswerOptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Answer"), max_length=300)
    correct = blocks.BooleanBlock(label=_("This answer is right"), required=False)
    feedback = blocks.CharBlock(
        label=_("Feedback"),
        max_length=500,
        required=False,
        help_text=_(
            "Shown after the learner picks this answer: why it is right or not."
        ),
    )


class PracticeQuestionBlock(blocks.StructBlock):
    """A question with options, which are right, and feedback per option.

    Checked on the server: the answer never ships early. A course's assessment
    bank uses this block as it is (`AssessmentQuestionBankBlock`), so a graded
    question can never be marked to carry its answer in a page.
    """

    question = blocks.CharBlock(label=_("Question"), max_length=500)
    multiple = blocks.BooleanBlock(
        label=_("More than one answer may be right"),
        required=False,
    )
    options = blocks.ListBlock(
        AnswerOptionBlock(),
        label=_("Answers"),
        min_num=2,
        max_num=8,
    )

    def clean(self, value):
        result = super().clean(value)
        correct = [option for option in result["options"] if option["correct"]]
        if not correct:
            raise StructBlockValidationError(
                block_errors={
                    "options": ValidationError(_("Mark at least one answer as right."))
                }
            )
        if len(correct) > 1 and not result["multiple"]:
            raise StructBlockValidationError(
                block_errors={
                    "multiple": ValidationError(
                        _(
                            "Several answers are marked right: tick this box, or mark only one."  # noqa: E501
                        )
                    )
                }
            )
        return result

    class Meta:
        icon = "help"
        label = _("Practice question")
        template = "blocks/practice_question_block.html"


class LessonPracticeQuestionBlock(PracticeQuestionBlock):
    """A lesson's practice question, which a trainer may let the phone check.

    Practice is not graded, so its answer need not be secret: with the mark on,
    the page carries the right answers and feedback (a `json_script` data block)
    and a saved lesson checks answers with no network (docs/offline.md). With it
    off, the answer stays on the server as for an assessment.
    """

    check_on_phone = blocks.BooleanBlock(
        label=_(
            "Check the answer on the learner's phone (works without internet; "
            "the right answer is in the page)"
        ),
        required=False,
        default=True,
        help_text=_(
            "Untick it if the right answer must stay secret: the phone then keeps "
            "the answer and it is checked when the phone is online again."
        ),
    )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        question_id = context.get("question_id")
        if value.get("check_on_phone") and question_id:
            context["phone_check_id"] = f"q-{question_id}-check"
            context["phone_check"] = {
                "right": [
                    index
                    for index, option in enumerate(value["options"])
                    if option["correct"]
                ],
                "feedback": [option["feedback"] for option in value["options"]],
            }
        return context


class LessonStreamBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(
        label=_("Text"),
        features=RICH_TEXT_FEATURES,
        template="blocks/rich_text_block.html",
    )
    step = StepBlock()
    callout = CalloutBlock()
    video = VideoBlock()
    transcript = TranscriptBlock()
    question = LessonPracticeQuestionBlock()
    simulation = SimulationBlock()


class AssessmentQuestionBankBlock(blocks.StreamBlock):
    question = PracticeQuestionBlock(label=_("Assessment question"))
