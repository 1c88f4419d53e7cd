"""The demo courses: one YAML file a course in `demo/courses/`, read and checked here.

A file holds the course page's fields, `cover_image` (a drawing in `demo/pictures/`,
named without ".svg") and its lessons; a lesson holds its page's fields and its
`body`, the lesson's StreamField as Wagtail stores it: a list of blocks, each
`{type, value}`. A step's `image` names a drawing too.

Reading (`courses_read`) checks what needs no database: the fields of the course
and lesson pages, and that every block type and every field name in a body is one
the lesson blocks have. Preparing a lesson's body (`lesson_body_prepare`) turns the
drawings' names into Wagtail images and checks the body as the admin does on
saving (`to_python`, then `clean`), so a question without its text or a
simulation whose choice leads nowhere stops `seed_demo`. Every error names the file
and the field, for example
`demo/courses/1-smartfon-asoslari.yaml: lessons[2].body[3].value.question: This
field is required.`
"""

from collections.abc import Callable
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.utils import translation
from wagtail import blocks
from wagtail.blocks.list_block import ListBlockValidationError
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.images.blocks import ImageChooserBlock

from .errors import DEMO_ROOT, DemoDataError

COURSES = DEMO_ROOT / "courses"
PICTURES = DEMO_ROOT / "pictures"
# PyYAML's safe loader, in C where PyYAML has it (it reads the courses several times
# faster).
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# The fields a file gives, besides the page fields checked by the page models.
COURSE_KEYS = {
    "slug",
    "title",
    "audience",
    "level",
    "estimated_minutes",
    "summary",
    "outcomes",
    "cover_image",
    "cover_alt",
    "lessons",
}
LESSON_KEYS = {"slug", "title", "summary", "estimated_minutes", "body"}


def _lesson_stream_block() -> blocks.StreamBlock:
    from learning.models import LessonPage

    return LessonPage._meta.get_field("body").stream_block


def courses_read(folder: Path | None = None) -> list[dict]:
    """Every course file of `folder` (`demo/courses/`), in file name order, read and
    checked as far as can be without a database. Raises DemoDataError."""
    folder = folder or COURSES
    courses = [course_read(path) for path in sorted(folder.glob("*.yaml"))]
    slugs = [course["slug"] for course in courses]
    if len(set(slugs)) != len(slugs):
        raise DemoDataError(folder, "slug", f"two courses share a slug: {slugs}")
    return courses


def course_read(path: Path) -> dict:
    """One course file, with its `path`. Raises DemoDataError."""
    from learning.models import CoursePage, LessonPage

    try:
        course = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)  # noqa: S506
    except yaml.YAMLError as error:
        raise DemoDataError(path, "(file)", f"not YAML: {error}") from error
    _keys_check(path, "", course, COURSE_KEYS)
    _page_fields_check(
        path, "", course, CoursePage, COURSE_KEYS - {"outcomes", "cover_image"}
    )
    _picture_check(path, "cover_image", course["cover_image"])
    if not isinstance(course["outcomes"], list):
        raise DemoDataError(path, "outcomes", "a list of lines")
    if not isinstance(course["lessons"], list) or not course["lessons"]:
        raise DemoDataError(path, "lessons", "a list of one lesson or more")
    stream_block = _lesson_stream_block()
    for number, lesson in enumerate(course["lessons"]):
        where = f"lessons[{number}]"
        _keys_check(path, f"{where}.", lesson, LESSON_KEYS)
        _page_fields_check(path, f"{where}.", lesson, LessonPage, LESSON_KEYS)
        _shape_check(path, f"{where}.body", stream_block, lesson["body"])
    return {**course, "path": path}


def _keys_check(path: Path, where: str, data, keys: set[str]) -> None:
    if not isinstance(data, dict):
        raise DemoDataError(path, where.rstrip(".") or "(file)", "expected a mapping")
    missing, unknown = keys - set(data), set(data) - keys
    if missing:
        raise DemoDataError(path, where + sorted(missing)[0], "This field is required.")
    if unknown:
        raise DemoDataError(path, where + sorted(unknown)[0], "no such field")


def _page_fields_check(path: Path, where: str, data: dict, model, names) -> None:
    """Each field the page model has, checked as a model form would (choices,
    lengths, blank)."""
    for field in model._meta.concrete_fields:
        if field.name in names:
            try:
                field.clean(data[field.name], None)
            except ValidationError as error:
                with translation.override("en"):
                    message = " ".join(error.messages)
                raise DemoDataError(path, where + field.name, message) from error


def _picture_check(path: Path, where: str, name) -> None:
    if not isinstance(name, str) or not (PICTURES / f"{name}.svg").is_file():
        raise DemoDataError(path, where, f"no drawing demo/pictures/{name}.svg")


def _shape_check(path: Path, where: str, block: blocks.Block, value) -> None:
    """Block types and field names that the blocks have; `to_python` would drop
    the others without a word."""
    if isinstance(block, blocks.StreamBlock):
        if not isinstance(value, list):
            raise DemoDataError(path, where, "expected a list of blocks")
        for number, item in enumerate(value):
            here = f"{where}[{number}]"
            if not isinstance(item, dict) or set(item) - {"type", "value", "id"}:
                raise DemoDataError(path, here, "a block is {type, value}")
            child = block.child_blocks.get(item.get("type"))
            if child is None:
                raise DemoDataError(
                    path,
                    f"{here}.type",
                    f"no block type {item.get('type')!r} (one of "
                    f"{', '.join(block.child_blocks)})",
                )
            _shape_check(path, f"{here}.value", child, item.get("value"))
    elif isinstance(block, blocks.StructBlock):
        if not isinstance(value, dict):
            raise DemoDataError(path, where, "expected a mapping of fields")
        for name, child_value in value.items():
            if name not in block.child_blocks:
                raise DemoDataError(path, f"{where}.{name}", "no such field")
            _shape_check(path, f"{where}.{name}", block.child_blocks[name], child_value)
    elif isinstance(block, blocks.ListBlock):
        if not isinstance(value, list):
            raise DemoDataError(path, where, "expected a list")
        for number, item in enumerate(value):
            if isinstance(item, dict) and item.get("type") == "item":
                item = item.get("value")  # Wagtail's own list format
            _shape_check(path, f"{where}[{number}]", block.child_block, item)
    elif isinstance(block, ImageChooserBlock) and not isinstance(value, int | None):
        # A drawing's name in a file; the image's id once `seed_demo` has added it.
        _picture_check(path, where, value)


def lesson_body_prepare(
    *, course: dict, number: int, image_id: Callable[[str], int]
) -> list[dict]:
    """The body of the course's lesson `number`, checked as the admin checks it on
    saving and ready to store, the drawings' names replaced by `image_id(name)`.

    A block is stored as the file has it, a step with its picture fields empty
    when it has none (as the admin stores it). A simulation is stored as the admin
    stores it, every screen and choice with an id: wagtail-localize needs them to
    translate the block. Raises DemoDataError."""
    body = []
    for item in course["lessons"][number]["body"]:
        value = item["value"]
        if item["type"] == "step":
            value = {"image": None, "image_alt": "", **value}
            if value["image"] is not None:
                value["image"] = image_id(value["image"])
        body.append({"type": item["type"], "value": value})
    checked = stream_check(
        path=course["path"],
        where=f"lessons[{number}].body",
        stream_block=_lesson_stream_block(),
        data=body,
    )
    for item, block in zip(body, checked, strict=True):
        if item["type"] == "simulation":
            item["value"] = block.block.get_prep_value(block.value)
    return body


def stream_check(
    *, path: Path, where: str, stream_block: blocks.StreamBlock, data: list[dict]
) -> blocks.StreamValue:
    """`data` (StreamField data) checked as the admin checks it on saving: block
    types and field names first, then each block's own `clean`. Returns the
    checked value. Raises DemoDataError naming `path` and the field under `where`."""
    _shape_check(path, where, stream_block, data)
    # In English, like the command's other messages, whatever the site's language.
    with translation.override("en"):
        try:
            return stream_block.clean(stream_block.to_python(data))
        except ValidationError as error:
            field, message = _first_error(error)
            raise DemoDataError(path, f"{where}{field}", message) from error


def _first_error(error: ValidationError) -> tuple[str, str]:
    """The path of the first field in a block's validation error, and its message:
    `[3].value.question` and "This field is required."."""
    if isinstance(error, StreamBlockValidationError) and error.block_errors:
        number = min(error.block_errors)
        field, message = _first_error(error.block_errors[number])
        return f"[{number}].value{field}", message
    if isinstance(error, StructBlockValidationError) and error.block_errors:
        name, child_error = next(iter(error.block_errors.items()))
        field, message = _first_error(child_error)
        return f".{name}{field}", message
    if isinstance(error, ListBlockValidationError) and error.block_errors:
        number = min(error.block_errors)
        field, message = _first_error(error.block_errors[number])
        return f"[{number}]{field}", message
    messages = getattr(error, "non_block_errors", None)
    if messages:
        return "", " ".join(
            text for item in messages.as_data() for text in item.messages
        )
    return "", " ".join(error.messages)
