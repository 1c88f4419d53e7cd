"""Enrolling a cohort from a CSV file, all or nothing.

The file is checked row by row first; if any row has a problem, the trainer gets a
list of the rows by number, each with its problem, and nobody is enrolled. Only a
file without problems is imported, in one transaction.

The file is UTF-8 (a byte-order mark, as Excel writes it, is fine), separated by
commas or semicolons, with a header row that has a `login` column: the person's
username or phone number. Other columns (a name, a note) are ignored.

The problems name nobody and repeat no login: only social workers are found, "not
found" and "not a social worker" read the same, and each import is recorded with
counts only (`cohort_import`: rows tried, matched, enrolled), never the logins.

A file is refused whole, with one message, when it has more bytes, more rows or a
longer cell than its limits (settings `COHORT_IMPORT_MAX_BYTES`, `..._MAX_ROWS`,
`..._MAX_CELL_CHARS`; defaults in `LIMITS`). Reading stops at the first limit passed.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import audit_record

from .models import Cohort, Enrolment
from .program_selectors import social_worker_find, today_local
from .program_services import (
    ProgramError,
    enrolment_check,
    enrolment_create,
    no_social_worker_message,
    program_enrolment_check,
)

LIMITS = {
    "COHORT_IMPORT_MAX_BYTES": 512 * 1024,
    # Rows after the header; a cohort is a few dozen people.
    "COHORT_IMPORT_MAX_ROWS": 2000,
    # A login is at most 150 characters; names and notes beside it are short too.
    "COHORT_IMPORT_MAX_CELL_CHARS": 1000,
}
# Python's csv module refuses a cell longer than its own limit (128 KiB) with this.
CSV_FIELD_LIMIT_ERROR = "field larger than field limit"


def cohort_import_limit(name: str) -> int:
    """One of the `LIMITS`, as the Django setting of the same name overrides it."""
    return getattr(settings, name, LIMITS[name])


@dataclass(frozen=True)
class RowProblem:
    row: int  # as a spreadsheet numbers it: the header is row 1
    message: str


class CohortImportError(Exception):
    """The file was refused; nothing was imported."""

    def __init__(self, problems: list[RowProblem], message: str = ""):
        super().__init__(message or problems)
        self.problems = problems
        self.message = message


def _too_large(size: int) -> CohortImportError:
    return CohortImportError(
        [],
        _("The file is too large (%(size)s). A cohort file may be at most %(limit)s.")
        % {
            "size": filesizeformat(size),
            "limit": filesizeformat(cohort_import_limit("COHORT_IMPORT_MAX_BYTES")),
        },
    )


def _cell_too_long(row: int) -> CohortImportError:
    return CohortImportError(
        [],
        _(
            "Row %(row)s has a cell longer than %(limit)s characters. A row needs "
            "only a login: a username or a phone number."
        )
        % {"row": row, "limit": cohort_import_limit("COHORT_IMPORT_MAX_CELL_CHARS")},
    )


def cohort_file_size_check(*, size: int) -> None:
    """Refuse a file by its size alone, before reading it."""
    if size > cohort_import_limit("COHORT_IMPORT_MAX_BYTES"):
        raise _too_large(size)


def _rows(data: bytes, *, size: int) -> list[tuple[int, dict]]:
    cohort_file_size_check(size=max(size, len(data)))
    max_rows = cohort_import_limit("COHORT_IMPORT_MAX_ROWS")
    max_cell = cohort_import_limit("COHORT_IMPORT_MAX_CELL_CHARS")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CohortImportError(
            [], _("The file is not in UTF-8. Save it as “CSV UTF-8” and try again.")
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = []
    # Records read so far: the row a spreadsheet shows, even when a quoted cell
    # holds line breaks (a blank line is a record too).
    records = 0
    try:
        header_cells = next(reader, [])
        records = 1
        if any(len(cell) > max_cell for cell in header_cells):
            raise _cell_too_long(records)
        header = [name.strip().lower() for name in header_cells]
        if "login" not in header:
            raise CohortImportError(
                [], _("The first row must name the columns, one of them “login”.")
            )
        for cells in reader:
            records += 1
            if any(len(cell) > max_cell for cell in cells):
                raise _cell_too_long(records)
            if not any(cell.strip() for cell in cells):
                continue  # a blank line between rows harms nobody
            if len(rows) == max_rows:
                raise CohortImportError(
                    [],
                    _("The file has more than %(count)s rows.") % {"count": max_rows},
                )
            # line_num is the row number a spreadsheet shows (quoted line breaks
            # aside).
            rows.append((reader.line_num, dict(zip(header, cells, strict=False))))
    except csv.Error as error:
        # The only error of a reader that is not strict: a cell past the csv
        # module's own limit (128 KiB), far longer than ours. It is in the record
        # after the last one read.
        if CSV_FIELD_LIMIT_ERROR in str(error):
            raise _cell_too_long(records + 1) from None
        raise CohortImportError(
            [],
            _("Row %(row)s cannot be read. Save the file as “CSV UTF-8” and try again.")
            % {"row": records + 1},
        ) from None
    if not rows:
        raise CohortImportError([], _("The file has no rows after the header."))
    return rows


def cohort_import_csv(
    *,
    cohort: Cohort,
    data: bytes,
    size: int | None = None,
    by=None,
    request=None,
    today: date | None = None,
) -> list[Enrolment]:
    """Enrol everyone listed in the file, or nobody.

    `size` is the uploaded file's size when `data` holds only its beginning (a view
    reads no more than the limit).

    Raises `CohortImportError` with every problem found; returns the new enrolments.
    Every try is recorded (`cohort_import`), refused or not, and each enrolment too.
    """
    today = today or today_local()
    counts = {"rows": 0, "matched": 0, "enrolled": 0, "problems": 0}
    try:
        enrolments = _import(
            cohort=cohort,
            data=data,
            size=len(data) if size is None else size,
            by=by,
            request=request,
            today=today,
            counts=counts,
        )
    except CohortImportError as error:
        counts["problems"] = len(error.problems) or 1
        _import_record(cohort=cohort, by=by, request=request, counts=counts)
        raise
    counts["enrolled"] = len(enrolments)
    _import_record(cohort=cohort, by=by, request=request, counts=counts)
    return enrolments


def _import_record(*, cohort, by, request, counts: dict) -> None:
    audit_record(
        actor=by,
        action=AuditAction.COHORT_IMPORT,
        target=cohort,
        request=request,
        detail=counts,
    )


def _import(*, cohort, data, size, by, request, today, counts) -> list[Enrolment]:
    problem = program_enrolment_check(program=cohort.program, today=today)
    if problem:
        raise CohortImportError([], problem)
    rows = _rows(data, size=size)
    counts["rows"] = len(rows)
    problems: list[RowProblem] = []
    users = []
    seen: dict[int, int] = {}
    for number, row in rows:
        login = (row.get("login") or "").strip()
        if not login:
            problems.append(RowProblem(number, _("The login is empty.")))
            continue
        user = social_worker_find(login=login)
        if user is None:
            problems.append(RowProblem(number, no_social_worker_message()))
            continue
        counts["matched"] += 1
        if user.pk in seen:
            problems.append(
                RowProblem(
                    number,
                    _("The same person is already on row %(row)s.")
                    % {"row": seen[user.pk]},
                )
            )
            continue
        seen[user.pk] = number
        problem = enrolment_check(program=cohort.program, user=user, today=today)
        if problem:
            problems.append(RowProblem(number, problem))
            continue
        users.append(user)
    if problems:
        raise CohortImportError(problems)
    try:
        with transaction.atomic():
            return [
                enrolment_create(
                    cohort=cohort, user=user, today=today, by=by, request=request
                )
                for user in users
            ]
    except (IntegrityError, ProgramError):
        raise CohortImportError(
            [], _("Someone was enrolled meanwhile. Send the file again.")
        ) from None
