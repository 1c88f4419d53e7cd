"""The site's own 404 and 500 pages, in the reader's language (issue 18)."""

import pytest
from django.test import RequestFactory
from django.utils import translation

from cms.errors import server_error
from tests.support.i18n import uz


def in_russian(text: str) -> str:
    with translation.override("ru"):
        return translation.gettext(text)


def server_error_for(path: str):
    try:
        raise ValueError("a bug")
    except ValueError:
        return server_error(RequestFactory().get(path))


class ServerErrorPageTests:
    def test_in_the_language_of_the_address(self):
        response = server_error_for("/ru/kurslar/")
        html = response.content.decode()
        assert response.status_code == 500
        assert response["Content-Language"] == "ru"
        assert '<html lang="ru">' in html
        assert in_russian("Something went wrong") in html

    def test_uzbek_without_a_language_in_the_address(self):
        response = server_error_for("/healthz")
        assert response["Content-Language"] == "uz"
        assert uz("Something went wrong") in response.content.decode()


@pytest.mark.django_db
class NotFoundPageTests:
    def test_the_sites_own_page_in_the_readers_language(self, client, settings):
        settings.DEBUG = False
        response = client.get("/ru/no-such-page/")
        html = response.content.decode()
        assert response.status_code == 404
        assert '<html lang="ru"' in html
        assert in_russian("Page not found") in html
