"""One round trip to first paint (issue 14): the critical styles in the page with the
CSP nonce, komak.css out of the way of the paint, compressed HTML, `/` answered in
the reader's language without a redirect, and the web app manifest per language."""

import gzip
import json
import re

import brotli
import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import translation

from cms.compression import accepted_codings
from cms.templatetags.komak_critical import critical_css_text
from tests.support.i18n import uz

pytestmark = pytest.mark.django_db

STYLE = re.compile(r'<style nonce="([^"]+)">(.*?)</style>', re.DOTALL)


def normalised_rules(css: str) -> list[str]:
    """The top-level rules of a stylesheet (an @media block is one), comments gone
    and white space collapsed."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    rules, depth, current = [], 0, []
    for character in css:
        current.append(character)
        if character == "{":
            depth += 1
        elif character == "}":
            depth -= 1
            if depth == 0:
                rules.append(" ".join("".join(current).split()))
                current = []
    return rules


def head_and_body(html: str) -> tuple[str, str]:
    head, _, body = html.partition("</head>")
    return head, body


class CriticalStylesTests:
    def test_the_critical_styles_are_inlined_with_the_policys_nonce(self, client):
        response = client.get("/uz/")
        html = response.content.decode()
        head, _ = head_and_body(html)
        match = STYLE.search(head)
        assert match is not None, "no <style nonce> in <head>"
        nonce, css = match.groups()
        assert ".site-header" in css and ":root" in css
        policy = response["Content-Security-Policy"]
        style_sources = re.search(r"style-src ([^;]+)", policy).group(1)
        assert f"'nonce-{nonce}'" in style_sources.split()
        assert "unsafe-inline" not in policy
        # Each response its own nonce.
        other = STYLE.search(client.get("/uz/").content.decode()).group(1)
        assert other != nonce

    def test_no_stylesheet_holds_the_first_paint(self, client):
        for path in ("/uz/", "/uz/kurslar/", reverse("account_login")):
            html = client.get(path).content.decode()
            head, body = head_and_body(html)
            assert 'rel="stylesheet"' not in head, path
            # The full stylesheet still comes, after the page's content.
            link = re.search(
                r'<link rel="stylesheet" href="[^"]*komak[^"]*\.css">', body
            )
            assert link is not None, path
            assert body.index("</main>") < link.start(), path

    def test_every_critical_rule_is_a_rule_of_komak_css(self):
        critical = normalised_rules(critical_css_text())
        full = set(normalised_rules(open(finders.find("css/komak.css")).read()))
        assert len(critical) > 30
        drifted = [rule for rule in critical if rule not in full]
        assert drifted == [], "copy these from komak.css again:\n" + "\n".join(drifted)

    def test_the_critical_styles_stay_small(self):
        # About 2 KB with brotli: what fits in the first round trip beside the page.
        assert len(brotli.compress(critical_css_text().encode())) < 3 * 1024


class CompressionTests:
    def test_brotli_where_the_browser_accepts_it(self, client):
        response = client.get("/uz/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        assert response["Content-Encoding"] == "br"
        assert "Accept-Encoding" in response["Vary"]
        html = brotli.decompress(response.content).decode()
        assert "</html>" in html
        assert int(response["Content-Length"]) == len(response.content)

    def test_gzip_otherwise(self, client):
        response = client.get("/uz/", HTTP_ACCEPT_ENCODING="gzip")
        assert response["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in response["Vary"]
        assert "</html>" in gzip.decompress(response.content).decode()

    def test_sent_as_it_is_when_nothing_is_accepted(self, client):
        for accepted in ("", "identity", "br;q=0, gzip;q=0"):
            response = client.get("/uz/", HTTP_ACCEPT_ENCODING=accepted)
            assert not response.has_header("Content-Encoding"), accepted
            assert "</html>" in response.content.decode()
            assert "Accept-Encoding" in response["Vary"]

    def test_a_refused_brotli_falls_back_to_gzip(self):
        assert accepted_codings("br;q=0, gzip") == {"gzip"}
        assert accepted_codings("gzip;q=0.5, br;q=1.0") == {"gzip", "br"}
        assert accepted_codings("br;q=x") == set()

    def test_json_and_the_sign_in_page_are_compressed_too(self, client):
        for path in (reverse("web_manifest"), reverse("account_login")):
            response = client.get(path, HTTP_ACCEPT_ENCODING="br")
            assert response["Content-Encoding"] == "br", path


class BareAddressTests:
    def test_slash_is_the_home_page_in_uzbek_by_default(self, client):
        response = client.get("/")
        assert response.status_code == 200
        html = response.content.decode()
        assert '<html lang="uz"' in html
        assert re.search(r'<link rel="canonical" href="http://[^"/]+/uz/">', html)
        assert 'class="page-home"' in html
        vary = {part.strip() for part in response["Vary"].split(",")}
        assert {"Accept-Language", "Cookie"} <= vary

    def test_slash_follows_accept_language(self, client):
        for header, language in (("ru-RU,ru;q=0.9", "ru"), ("en-GB,en;q=0.8", "en")):
            html = client.get("/", HTTP_ACCEPT_LANGUAGE=header).content.decode()
            assert f'<html lang="{language}"' in html, header
            assert f'/{language}/">' in re.search(
                r'<link rel="canonical" [^>]+>', html
            ).group(0)

    def test_the_language_cookie_comes_before_accept_language(self, client, settings):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "kaa"
        html = client.get("/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
        assert '<html lang="kaa"' in html

    def test_only_the_home_page_has_the_canonical_link_from_here(self, client):
        assert 'rel="canonical"' not in client.get("/uz/").content.decode()


class WebManifestTests:
    @pytest.mark.parametrize("language", ["uz", "uz-cyrl", "ru", "kaa", "en"])
    def test_a_manifest_per_language(self, client, language):
        response = client.get(f"/{language}/manifest.webmanifest")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/manifest+json")
        manifest = json.loads(response.content)
        assert manifest["lang"] == language
        assert manifest["start_url"] == f"/{language}/"
        assert client.get(manifest["start_url"]).status_code == 200
        assert manifest["display"] == "standalone"
        assert manifest["name"] and manifest["short_name"]
        assert re.fullmatch(r"#[0-9a-f]{6}", manifest["theme_color"])
        sizes = {icon["sizes"] for icon in manifest["icons"]}
        assert {"192x192", "512x512"} <= sizes
        assert any(icon["purpose"] == "maskable" for icon in manifest["icons"])

    def test_the_icons_exist_at_their_sizes(self, client):
        from PIL import Image

        manifest = json.loads(client.get("/uz/manifest.webmanifest").content)
        for icon in manifest["icons"]:
            name = icon["src"].removeprefix("/static/")
            path = finders.find(name)
            assert path is not None, icon["src"]
            width, height = (int(n) for n in icon["sizes"].split("x"))
            with Image.open(path) as image:
                assert image.format == "PNG"
                assert image.size == (width, height)

    def test_the_name_is_in_the_readers_language(self, client):
        manifest = json.loads(client.get("/uz/manifest.webmanifest").content)
        assert manifest["name"] == uz("Koʻmak: help with digital skills")
        russian = json.loads(client.get("/ru/manifest.webmanifest").content)
        with translation.override("ru"):
            assert russian["name"] == translation.gettext(
                "Koʻmak: help with digital skills"
            )

    def test_every_page_links_the_manifest_of_its_language(self, client):
        for language in ("uz", "ru"):
            html = client.get(f"/{language}/").content.decode()
            assert (
                f'<link rel="manifest" href="/{language}/manifest.webmanifest">' in html
            )

    def test_theme_colour_is_the_headers(self):
        css = open(finders.find("css/komak.css")).read()
        brand = re.search(r"--brand:\s*(#[0-9a-f]{6})", css).group(1)
        from cms.manifest import THEME_COLOUR

        assert THEME_COLOUR == brand


class HelpPageTests:
    def test_add_to_home_screen_is_explained(self, client):
        html = client.get(reverse("help")).content.decode()
        assert uz("Put Koʻmak on your phone's screen") in html
        assert uz("Touch “Add to home screen” or “Install app”.") in html
        assert f'href="{reverse("help")}"' in client.get("/uz/").content.decode()


class CachedPageTests:
    def test_a_cached_page_gets_this_responses_nonce_in_its_style(
        self, client, settings
    ):
        from cms.page_cache import page_cache_clear

        settings.PAGE_CACHE_SECONDS = 3600
        page_cache_clear()
        client.get("/uz/kurslar/")
        response = client.get("/uz/kurslar/")
        assert response["X-Page-Cache"] == "hit"
        nonce = STYLE.search(response.content.decode()).group(1)
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
