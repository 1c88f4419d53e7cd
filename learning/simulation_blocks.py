"""The simulation block: a branching practice that looks like a phone.

A trainer builds screens (an incoming message, an incoming call, a form as on a
portal) and endings marked safe or unsafe. Every screen offers choices, and each
choice names the key of the next screen or of an ending. Keys are short typed names
(`call`, `sms-1`, `gave-code`) held in `RegexBlock`s, which wagtail-localize leaves
untranslated, so a translated lesson keeps the same graph.

The graph is checked when the page is saved (`SimulationBlock.clean`): a learner can
always reach an ending, and at least one ending is safe. The server walks the graph
with `simulation_graph()`; the browser never learns where a choice leads.
"""

from collections import deque
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.list_block import ListBlockValidationError
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock

KEY_REGEX = r"^[a-z0-9][a-z0-9-]{0,39}$"
MAX_SCREENS = 20
# Sound files every current phone browser plays in <audio> (WAGTAILDOCS_EXTENSIONS
# lets trainers upload them as documents).
AUDIO_EXTENSIONS = ("m4a", "mp3", "ogg", "opus")


def _key_block(label):
    return blocks.RegexBlock(
        regex=KEY_REGEX,
        label=label,
        max_length=40,
        help_text=_(
            "A short name for this step, in small Latin letters, digits and dashes, "
            "for example: call-1. Choices use it to lead here."
        ),
        error_messages={
            "invalid": _("Use only small Latin letters, digits and dashes.")
        },
    )


class SimulationChoiceBlock(blocks.StructBlock):
    label = blocks.CharBlock(
        label=_("What the learner can do"),
        max_length=120,
        help_text=_("For example: Tap the link, Call back, Block, Ask a relative."),
    )
    next = blocks.RegexBlock(
        regex=KEY_REGEX,
        label=_("Leads to"),
        max_length=40,
        help_text=_("The short name of the next screen or of an ending."),
        error_messages={
            "invalid": _("Use only small Latin letters, digits and dashes.")
        },
    )


def _choices_block():
    return blocks.ListBlock(
        SimulationChoiceBlock(),
        label=_("Choices"),
        min_num=1,
        max_num=6,
    )


class MessageScreenBlock(blocks.StructBlock):
    """An SMS or a messenger chat arriving on the phone."""

    key = _key_block(_("Short name"))
    app = blocks.ChoiceBlock(
        label=_("Arrives as"),
        choices=[("sms", _("SMS")), ("messenger", _("Messenger chat"))],
        default="sms",
    )
    sender = blocks.CharBlock(label=_("Sender"), max_length=80)
    text = blocks.TextBlock(label=_("Message"))
    link_text = blocks.CharBlock(
        label=_("Link in the message"),
        max_length=120,
        required=False,
        help_text=_(
            "Shown as text only: no practice ever opens a real address. Add a "
            "choice such as “Tap the link” to let the learner try it."
        ),
    )
    choices = _choices_block()

    class Meta:
        icon = "mail"
        label = _("Incoming message")


class CallScreenBlock(blocks.StructBlock):
    """An incoming phone call, with what the caller says written out.

    A recording of the caller may be added: a scam is often recognised by the voice
    and the hurry in it. It is a Wagtail document (uploaded under "Documents", so a
    translation can choose another one), played only when the learner presses play;
    the written words stay on the screen for those who cannot hear it.
    """

    key = _key_block(_("Short name"))
    caller_name = blocks.CharBlock(label=_("Caller's name"), max_length=80)
    caller_number = blocks.CharBlock(
        label=_("Caller's number"),
        max_length=30,
        required=False,
        help_text=_("Shown only; it is never dialled."),
    )
    says = blocks.TextBlock(label=_("What the caller says"))
    audio = DocumentChooserBlock(
        label=_("Recording of the caller"),
        required=False,
        help_text=_(
            "Optional: a sound file (MP3, M4A, OGG or Opus) of the caller saying the "
            "words above. Upload it under “Documents”. It plays only when the "
            "learner presses play."
        ),
    )
    choices = _choices_block()

    def clean(self, value):
        result = super().clean(value)
        audio = result.get("audio")
        if audio is not None and audio.file_extension.lower() not in AUDIO_EXTENSIONS:
            raise StructBlockValidationError(
                block_errors={
                    "audio": ValidationError(
                        _(
                            "This is not a sound file. Choose an MP3, M4A, OGG or "
                            "Opus file."
                        )
                    )
                }
            )
        return result

    class Meta:
        icon = "user"
        label = _("Incoming call")


class FormFieldBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("Field name"), max_length=120)
    kind = blocks.ChoiceBlock(
        label=_("What it asks for"),
        choices=[
            ("text", _("Words")),
            ("number", _("A number")),
            ("passport", _("Passport series and number")),
            ("date", _("A date")),
            ("code", _("A code from an SMS")),
        ],
        default="text",
    )


class FormScreenBlock(blocks.StructBlock):
    """A form as on a portal or in a payment app. What the learner types is never
    sent anywhere: the fields have no names, only the choice is posted.
    """

    key = _key_block(_("Short name"))
    title = blocks.CharBlock(label=_("Title of the form"), max_length=120)
    intro = blocks.TextBlock(label=_("Text above the form"), required=False)
    fields = blocks.ListBlock(
        FormFieldBlock(),
        label=_("Fields"),
        min_num=1,
        max_num=6,
    )
    choices = _choices_block()

    class Meta:
        icon = "form"
        label = _("Form")


class SimulationScreensBlock(blocks.StreamBlock):
    message = MessageScreenBlock()
    call = CallScreenBlock()
    form = FormScreenBlock()

    class Meta:
        min_num = 1
        max_num = MAX_SCREENS


class SimulationEndingBlock(blocks.StructBlock):
    key = _key_block(_("Short name"))
    safe = blocks.BooleanBlock(
        label=_("This ending is safe"),
        required=False,
        help_text=_("Tick it if the learner did the right thing."),
    )
    title = blocks.CharBlock(label=_("Title"), max_length=120)
    explanation = blocks.TextBlock(
        label=_("Explanation"),
        help_text=_("In plain words: what happened, and what to notice next time."),
    )


@dataclass(frozen=True)
class SimulationChoice:
    label: str
    next: str


@dataclass(frozen=True)
class SimulationScreen:
    key: str
    kind: str
    value: object
    choices: tuple[SimulationChoice, ...]


@dataclass(frozen=True)
class SimulationEnding:
    key: str
    safe: bool
    title: str
    explanation: str


@dataclass(frozen=True)
class SimulationGraph:
    """The screens and endings of one simulation by key; the first screen starts."""

    title: str
    start: str
    screens: dict
    endings: dict

    def is_ending(self, key: str) -> bool:
        return key in self.endings


def simulation_graph(value) -> SimulationGraph:
    """The walkable graph of a simulation block's value (a saved, valid block)."""
    screens = {}
    for child in value["screens"]:
        screens.setdefault(
            child.value["key"],
            SimulationScreen(
                key=child.value["key"],
                kind=child.block_type,
                value=child.value,
                choices=tuple(
                    SimulationChoice(label=choice["label"], next=choice["next"])
                    for choice in child.value["choices"]
                ),
            ),
        )
    endings = {}
    for ending in value["endings"]:
        endings.setdefault(
            ending["key"],
            SimulationEnding(
                key=ending["key"],
                safe=bool(ending["safe"]),
                title=ending["title"],
                explanation=ending["explanation"],
            ),
        )
    first = next(iter(value["screens"]), None)
    return SimulationGraph(
        title=value["title"],
        start=first.value["key"] if first else "",
        screens=screens,
        endings=endings,
    )


class SimulationBlock(blocks.StructBlock):
    """A practice scenario played on a pretend phone, one screen per page."""

    title = blocks.CharBlock(
        label=_("Title"),
        max_length=120,
        help_text=_("For example: A caller “from the bank” asks for a code."),
    )
    intro = blocks.TextBlock(
        label=_("Before it starts"),
        required=False,
        help_text=_("One or two sentences: what the learner is about to practise."),
    )
    screens = SimulationScreensBlock(
        label=_("Screens"),
        help_text=_("The first screen is where the practice starts."),
    )
    endings = blocks.ListBlock(
        SimulationEndingBlock(),
        label=_("Endings"),
        min_num=1,
        max_num=10,
    )

    def clean(self, value):
        result = super().clean(value)
        screen_errors: dict[int, dict] = {}
        choice_errors: dict[int, dict[int, ValidationError]] = {}
        ending_errors: dict[int, dict] = {}
        ending_list_errors: list[ValidationError] = []

        def add(errors, index, field, message):
            errors.setdefault(index, {}).setdefault(field, ValidationError(message))

        screens = list(result["screens"])
        endings = list(result["endings"])
        known: set[str] = set()
        for index, child in enumerate(screens):
            key = child.value["key"]
            if key in known:
                add(screen_errors, index, "key", _("Another step has this name."))
            known.add(key)
        for index, ending in enumerate(endings):
            if ending["key"] in known:
                add(ending_errors, index, "key", _("Another step has this name."))
            known.add(ending["key"])

        # Edges between existing steps only; a dangling choice is reported instead.
        edges: dict[str, set[str]] = {}
        for index, child in enumerate(screens):
            targets = edges.setdefault(child.value["key"], set())
            for choice_index, choice in enumerate(child.value["choices"]):
                if choice["next"] in known:
                    targets.add(choice["next"])
                else:
                    message = _(
                        "There is no screen or ending named “%(key)s”. "
                        "Check the spelling."
                    ) % {"key": choice["next"]}
                    choice_errors.setdefault(index, {})[choice_index] = (
                        StructBlockValidationError(
                            block_errors={"next": ValidationError(message)}
                        )
                    )
        ending_keys = {ending["key"] for ending in endings}

        reached = _reachable(screens[0].value["key"], edges) if screens else set()
        # Steps from which some ending can be reached, found backwards from them.
        backwards: dict[str, set[str]] = {}
        for source, targets in edges.items():
            for target in targets:
                backwards.setdefault(target, set()).add(source)
        can_finish: set[str] = set()
        for key in ending_keys:
            can_finish |= _reachable(key, backwards)

        for index, child in enumerate(screens):
            key = child.value["key"]
            if key not in reached:
                add(
                    screen_errors,
                    index,
                    "key",
                    _("No choice leads to this screen, so no learner will see it."),
                )
            elif key not in can_finish and index not in choice_errors:
                message = _(
                    "From here the learner can only go round in circles: let one "
                    "choice lead to an ending, or to a screen that leads to one."
                )
                screen_errors.setdefault(index, {})["choices"] = (
                    ListBlockValidationError(non_block_errors=[message])
                )
        for index, ending in enumerate(endings):
            if ending["key"] not in reached:
                add(
                    ending_errors,
                    index,
                    "key",
                    _("No choice leads to this ending, so no learner will see it."),
                )
        if not endings:
            ending_list_errors.append(ValidationError(_("Add at least one ending.")))
        elif not any(ending["safe"] for ending in endings):
            ending_list_errors.append(
                ValidationError(
                    _(
                        "Mark at least one ending as safe: the learner must be able "
                        "to get it right."
                    )
                )
            )

        block_errors = {}
        if screen_errors or choice_errors:
            for index, choice_errors_here in choice_errors.items():
                screen_errors.setdefault(index, {})["choices"] = (
                    ListBlockValidationError(block_errors=choice_errors_here)
                )
            block_errors["screens"] = StreamBlockValidationError(
                block_errors={
                    index: StructBlockValidationError(block_errors=fields)
                    for index, fields in screen_errors.items()
                }
            )
        if ending_errors or ending_list_errors:
            block_errors["endings"] = ListBlockValidationError(
                block_errors={
                    index: StructBlockValidationError(block_errors=fields)
                    for index, fields in ending_errors.items()
                },
                non_block_errors=ending_list_errors,
            )
        if block_errors:
            raise StructBlockValidationError(block_errors=block_errors)
        return result

    class Meta:
        icon = "mobile-alt"
        label = _("Practice on a pretend phone")
        template = "blocks/simulation_block.html"


def _reachable(start: str, edges: dict[str, set[str]]) -> set[str]:
    seen = {start}
    queue = deque([start])
    while queue:
        for target in edges.get(queue.popleft(), ()):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen
