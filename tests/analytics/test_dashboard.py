"""The needs analytics dashboard and its CSV files: coordinators only, figures from
the stored tables only, no figure about fewer than five people anywhere (nor one
that could be worked out from the totals), and every read audited."""

import csv
import io

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from analytics.aggregates import TABLES_BY_KEY
from analytics.models import AnalyticsTable
from analytics.tasks import analytics_refresh
from analytics.wagtail_hooks import analytics_menu_item
from audit.models import AuditAction, AuditRecord
from core import dates
from tests.accounts.factories import coordinator_create, trainer_create, user_create
from tests.analytics.fixtures import population_make
from tests.support.i18n import uz

pytestmark = pytest.mark.django_db

DASHBOARD = "analytics:dashboard"
SMALL = {"1", "2", "3", "4"}


@pytest.fixture
def stored():
    population_make()
    analytics_refresh()


@pytest.fixture
def coordinator(client):
    person = coordinator_create()
    client.force_login(person)
    return person


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def assert_no_line_gives_one_away(rows, hidden_word=None):
    """In a table with totals, no row or column has exactly one hidden figure."""
    hidden_word = hidden_word or uz("hidden")
    body = [row[1:] for row in rows]
    for line in body:
        assert sum(cell == hidden_word for cell in line) != 1, line
    for column in zip(*body, strict=True):
        assert sum(cell == hidden_word for cell in column) != 1, column


class AccessTests:
    def test_a_coordinator_sees_the_dashboard(self, client, coordinator, stored):
        response = client.get(reverse(DASHBOARD))
        assert response.status_code == 200
        with translation.override("uz"):
            when = dates.date_time(response.context["computed_at"])
        assert (
            uz("Figures last computed on %(when)s (Tashkent time).", when=when)
            in response.content.decode()
        )

    def test_a_trainer_is_refused(self, client, stored):
        # Wagtail answers a refused admin page by sending her to the admin's home.
        client.force_login(trainer_create())
        for url in (
            reverse(DASHBOARD),
            reverse("analytics:table_csv", args=["demand_region"]),
        ):
            response = client.get(url)
            assert response.status_code == 302
            assert response["Location"] == reverse("wagtailadmin_home")

    def test_a_client_never_reaches_it(self, client, stored):
        client.force_login(user_create())
        response = client.get(reverse(DASHBOARD))
        assert response.status_code in (302, 403)
        assert b"demand" not in response.content

    def test_a_visitor_is_sent_to_sign_in(self, client):
        response = client.get(reverse(DASHBOARD))
        assert response.status_code == 302

    def test_the_menu_item_is_shown_to_coordinators_only(self):
        item = analytics_menu_item()
        request = RequestFactory().get("/admin/")
        request.user = coordinator_create()
        assert item.is_shown(request)
        request.user = trainer_create()
        assert not item.is_shown(request)

    def test_an_unknown_table_or_population_is_not_found(
        self, client, coordinator, stored
    ):
        assert (
            client.get(
                reverse("analytics:table_csv", args=["no_such_table"])
            ).status_code
            == 404
        )
        assert client.get(reverse(DASHBOARD), {"population": "x"}).status_code == 404


class SmallGroupTests:
    def test_the_page_shows_no_small_figure(self, client, coordinator, stored):
        response = client.get(reverse(DASHBOARD))
        sections = response.context["sections"]
        shown = 0
        for tables in sections.values():
            for table in tables:
                for row in table["rows"]:
                    for cell in row["cells"]:
                        assert cell not in SMALL, (table["key"], row)
                        shown += 1
        assert shown > 0
        # The Bukhara people who missed a session (2) are hidden, and said so.
        assert uz("hidden") in response.content.decode()

    def test_the_chart_says_hidden_instead_of_drawing_it(
        self, client, coordinator, stored
    ):
        response = client.get(reverse(DASHBOARD))
        table = next(
            table
            for tables in response.context["sections"].values()
            for table in tables
            if table["key"] == "no_shows_region"
        )
        chart = str(table["chart"])
        assert "<title" in chart and "<desc" in chart
        assert 'role="img"' in chart
        assert f">{uz('hidden')}</text>" in chart
        for small in SMALL:
            assert f">{small}</text>" not in chart

    @pytest.mark.parametrize(
        "key",
        ["demand_region", "demand_age", "no_shows_region", "lessons_region"],
    )
    def test_exports_show_no_small_figure_nor_one_to_work_out(
        self, client, coordinator, stored, key
    ):
        response = client.get(reverse("analytics:table_csv", args=[key]))
        assert response.status_code == 200
        rows = csv_rows(response)
        assert rows[0][0] == str(TABLES_BY_KEY[key].row_heading)
        for row in rows[1:]:
            for cell in row[1:]:
                assert cell not in SMALL, (key, row)
        assert_no_line_gives_one_away(rows[1:])
        assert any(cell == uz("hidden") for row in rows for cell in row)

    def test_the_page_reads_the_stored_tables_only(self, client, coordinator, stored):
        # What the schedule stored is what is shown, even after the data changed.
        table = AnalyticsTable.objects.get(key="first_session_wait", population="real")
        table.data["cells"][0] = [99, 1.5]
        table.save()
        response = client.get(reverse(DASHBOARD))
        assert "99" in response.content.decode()


class AuditTests:
    def test_each_view_is_recorded(self, client, coordinator, stored):
        client.get(reverse(DASHBOARD))
        record = AuditRecord.objects.get(action=AuditAction.ANALYTICS_VIEW)
        assert record.actor_id == coordinator.pk
        assert record.detail["population"] == "real"
        assert record.detail["tables"] >= 8

    def test_each_export_is_recorded(self, client, coordinator, stored):
        client.get(reverse("analytics:table_csv", args=["demand_region"]))
        record = AuditRecord.objects.get(action=AuditAction.ANALYTICS_EXPORT)
        assert record.actor_id == coordinator.pk
        assert record.detail == {
            "population": "real",
            "tables": 1,
            "table": "demand_region",
            "format": "csv",
        }

    def test_a_refused_read_records_nothing_as_a_view(self, client, stored):
        client.force_login(trainer_create())
        client.get(reverse(DASHBOARD))
        assert not AuditRecord.objects.filter(
            action=AuditAction.ANALYTICS_VIEW
        ).exists()
