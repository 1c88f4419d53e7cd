"""Ko'mak's Wagtail project package: settings, URLs, ASGI entry point, site pages and
search.
"""
