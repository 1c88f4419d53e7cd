"""Enrolling a cohort from a CSV file, all or nothing.

The file is checked row by row first; if any row has a problem, the trainer gets a
list naming each such row and its problem, and nobody is enrolled. Only a file
without problems is imported, in one transaction.

The file is UTF-8 (a byte-order mark, as Excel writes it, is fine), separated by
commas or semicolons, with a header row that has a `login` column: the person's
username or phone number. Other columns (a name, a note) are ignored.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.phone import normalize_phone

from .models import Cohort, Enrolment
from .program_selectors import today_local
from .program_services import enrolment_check

MAX_ROWS = 2000
MAX_BYTES = 512 * 1024


@dataclass(frozen=True)
class RowProblem:
    row: int  # as a spreadsheet numbers it: the header is row 1
    login: str
    message: str


class CohortImportError(Exception):
    """The file was refused; nothing was imported."""

    def __init__(self, problems: list[RowProblem], message: str = ""):
        super().__init__(message or problems)
        self.problems = problems
        self.message = message


def user_find_by_login(login: str):
    """The person with this username (any case) or phone number, if any."""
    users = get_user_model().objects
    query = Q(username__iexact=login)
    try:
        query |= Q(phone_number=normalize_phone(login))
    except ValidationError:
        pass
    return users.filter(query).first()


def _rows(data: bytes) -> list[tuple[int, dict]]:
    if len(data) > MAX_BYTES:
        raise CohortImportError([], _("The file is too large (at most 512 KB)."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CohortImportError(
            [], _("The file is not in UTF-8. Save it as “CSV UTF-8” and try again.")
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [name.strip().lower() for name in next(reader, [])]
    if "login" not in header:
        raise CohortImportError(
            [], _("The first row must name the columns, one of them “login”.")
        )
    rows = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue  # a blank line between rows harms nobody
        # line_num is the row number a spreadsheet shows (quoted line breaks aside).
        rows.append((reader.line_num, dict(zip(header, cells, strict=False))))
    if not rows:
        raise CohortImportError([], _("The file has no rows after the header."))
    if len(rows) > MAX_ROWS:
        raise CohortImportError(
            [], _("The file has more than %(count)s rows.") % {"count": MAX_ROWS}
        )
    return rows


def cohort_import_csv(
    *, cohort: Cohort, data: bytes, today: date | None = None
) -> list[Enrolment]:
    """Enrol everyone listed in the file, or nobody.

    Raises `CohortImportError` with every problem found; returns the new enrolments.
    """
    today = today or today_local()
    rows = _rows(data)
    problems: list[RowProblem] = []
    users = []
    seen: dict[int, int] = {}
    for number, row in rows:
        login = (row.get("login") or "").strip()
        if not login:
            problems.append(RowProblem(number, login, _("The login is empty.")))
            continue
        user = user_find_by_login(login)
        if user is None:
            problems.append(
                RowProblem(
                    number, login, _("Nobody has this username or phone number.")
                )
            )
            continue
        if user.pk in seen:
            problems.append(
                RowProblem(
                    number,
                    login,
                    _("The same person is already on row %(row)s.")
                    % {"row": seen[user.pk]},
                )
            )
            continue
        seen[user.pk] = number
        problem = enrolment_check(program=cohort.program, user=user, today=today)
        if problem:
            problems.append(RowProblem(number, login, problem))
            continue
        users.append(user)
    if problems:
        raise CohortImportError(problems)
    try:
        with transaction.atomic():
            return [
                Enrolment.objects.create(
                    user=user, program=cohort.program, cohort=cohort
                )
                for user in users
            ]
    except IntegrityError:
        raise CohortImportError(
            [], _("Someone was enrolled meanwhile. Send the file again.")
        ) from None
