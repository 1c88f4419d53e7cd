"""Limits of a cohort CSV import (issue 13): bytes, rows and the length of a cell.
Each refused file gets one message on the page (status 400, never a 500), nobody is
enrolled, and the try is recorded with counts only. A cell over Python's own csv
limit (128 KiB) used to answer 500."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from audit.models import AuditAction, AuditRecord
from learning.cohort_import import LIMITS, CohortImportError, cohort_import_csv
from learning.models import Enrolment
from tests.accounts.factories import social_worker_create, trainer_create
from tests.learning.factories import bank_course_create, cohort_create, program_create
from tests.support.i18n import uz

pytestmark = pytest.mark.django_db

CELL_TOO_LONG = (
    "Row %(row)s has a cell longer than %(limit)s characters. A row needs only a "
    "login: a username or a phone number."
)
TOO_MANY_ROWS = "The file has more than %(count)s rows."
TOO_LARGE = "The file is too large (%(size)s). A cohort file may be at most %(limit)s."


@pytest.fixture
def trainer():
    return trainer_create()


@pytest.fixture
def cohort(trainer):
    course, _ = bank_course_create()
    program = program_create(courses=[course], trainers=[trainer])
    return cohort_create(program=program, name="Termiz")


@pytest.fixture
def trainer_client(client, trainer):
    client.force_login(trainer)
    return client


def post_file(client, cohort, data: bytes):
    return client.post(
        reverse("learning_reports:cohort_members", args=[cohort.pk]),
        {"action": "import", "file": SimpleUploadedFile("cohort.csv", data)},
    )


def assert_refused_on_page(response, message: str) -> None:
    assert response.status_code == 400
    assert escape(message) in response.content.decode()
    assert not Enrolment.objects.exists()


class CellLimitTests:
    def test_a_200_kib_cell_is_a_message_not_a_500(self, trainer_client, cohort):
        social_worker_create(username="good1")
        huge = "x" * (200 * 1024)  # past the csv module's own 128 KiB limit
        data = f"login,note\ngood1,short\ngood1b,{huge}\n".encode()
        response = post_file(trainer_client, cohort, data)
        assert_refused_on_page(
            response,
            uz(CELL_TOO_LONG, row=3, limit=LIMITS["COHORT_IMPORT_MAX_CELL_CHARS"]),
        )

    def test_a_200_kib_quoted_cell_with_line_breaks_too(self, trainer_client, cohort):
        huge = "y\n" * (100 * 1024)
        data = f'login,note\ngood1,"{huge}"\n'.encode()
        response = post_file(trainer_client, cohort, data)
        # Row 2 as a spreadsheet shows it, whatever the line breaks inside.
        assert_refused_on_page(response, uz(CELL_TOO_LONG, row=2, limit=1000))

    def test_a_cell_past_our_limit_but_under_the_csv_modules(self, cohort, settings):
        settings.COHORT_IMPORT_MAX_CELL_CHARS = 20
        social_worker_create(username="good1")
        with pytest.raises(CohortImportError) as refused:
            cohort_import_csv(
                cohort=cohort, data=b"login,note\ngood1," + b"z" * 21 + b"\n"
            )
        assert refused.value.message == uz(CELL_TOO_LONG, row=2, limit=20)
        assert not Enrolment.objects.exists()

    def test_a_long_header_cell_is_refused_too(self, cohort, settings):
        settings.COHORT_IMPORT_MAX_CELL_CHARS = 20
        with pytest.raises(CohortImportError) as refused:
            cohort_import_csv(cohort=cohort, data=b"login," + b"h" * 21 + b"\na,b\n")
        assert refused.value.message == uz(CELL_TOO_LONG, row=1, limit=20)

    def test_a_cell_at_the_limit_is_fine(self, cohort, settings):
        settings.COHORT_IMPORT_MAX_CELL_CHARS = 20
        social_worker_create(username="good1")
        created = cohort_import_csv(
            cohort=cohort, data=b"login,note\ngood1," + b"z" * 20 + b"\n"
        )
        assert len(created) == 1


class RowLimitTests:
    def test_one_row_too_many_imports_nobody(self, trainer_client, cohort, settings):
        settings.COHORT_IMPORT_MAX_ROWS = 3
        for number in range(4):
            social_worker_create(username=f"worker{number}")
        data = ("login\n" + "".join(f"worker{n}\n" for n in range(4))).encode()
        response = post_file(trainer_client, cohort, data)
        assert_refused_on_page(response, uz(TOO_MANY_ROWS, count=3))

    def test_as_many_rows_as_allowed_are_imported(self, cohort, settings):
        settings.COHORT_IMPORT_MAX_ROWS = 3
        for number in range(3):
            social_worker_create(username=f"worker{number}")
        data = ("login\n" + "".join(f"worker{n}\n" for n in range(3))).encode()
        assert len(cohort_import_csv(cohort=cohort, data=data)) == 3


class ByteLimitTests:
    def test_a_file_past_the_limit_is_refused_and_not_written(
        self, trainer_client, cohort, settings, monkeypatch
    ):
        settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
        settings.COHORT_IMPORT_MAX_BYTES = 1000
        written = []
        receive = TemporaryFileUploadHandler.receive_data_chunk

        def counting(handler, raw_data, start):
            written.append(len(raw_data))
            return receive(handler, raw_data, start)

        monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", counting)
        social_worker_create(username="good1")
        data = b"login,note\n" + b"good1,ok\n" * 20_000
        response = post_file(trainer_client, cohort, data)
        with translation.override("uz"):
            message = uz(
                TOO_LARGE, size=filesizeformat(len(data)), limit=filesizeformat(1000)
            )
        assert_refused_on_page(response, message)
        assert sum(written) <= 1000
        record = AuditRecord.objects.get(action=AuditAction.COHORT_IMPORT)
        assert record.detail["enrolled"] == 0

    def test_the_service_refuses_by_size_too(self, cohort, settings):
        settings.COHORT_IMPORT_MAX_BYTES = 100
        with pytest.raises(CohortImportError):
            cohort_import_csv(cohort=cohort, data=b"login\n" + b"a\n" * 60)

    def test_the_defaults(self):
        assert LIMITS == {
            "COHORT_IMPORT_MAX_BYTES": 512 * 1024,
            "COHORT_IMPORT_MAX_ROWS": 2000,
            "COHORT_IMPORT_MAX_CELL_CHARS": 1000,
        }
