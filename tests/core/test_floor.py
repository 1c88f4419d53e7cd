"""The ground floor stands on nothing of ours: `core` imports no other app of the
project (only Django, Wagtail and other libraries), so that every app may use it
without an import circle (issue 17)."""

from docs import architecture_graph as graph


class FloorTests:
    def test_core_imports_no_other_app(self):
        assert graph.app_graph()["core"] == set()

    def test_core_is_installed_before_the_apps_that_use_it(self, settings):
        apps = settings.INSTALLED_APPS
        users = [
            app for app, imported in graph.app_graph().items() if "core" in imported
        ]
        assert users
        for app in users:
            assert apps.index("core") < apps.index(app)

    def test_accounts_stands_only_on_audit_and_the_floor(self):
        # Apps above accounts reach it through its signal (accounts/erasure.py)
        # and its role-home registry (accounts/homes.py), never the other way.
        assert graph.app_graph()["accounts"] == {"audit", "core"}

    def test_no_two_apps_import_each_other(self):
        arrows = graph.app_graph()
        both_ways = sorted(
            (app, other)
            for app, imported in arrows.items()
            for other in imported
            if app < other and app in arrows.get(other, set())
        )
        assert both_ways == []
