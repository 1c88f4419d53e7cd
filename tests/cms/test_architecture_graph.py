"""docs/architecture.md shows the apps' imports as the code has them (issue 17):
the diagram is made by `docs/architecture_graph.py`, and this test fails when the
document holds another one, so the picture cannot drift. It also fails when a module
imports, directly or through others, a module that imports it back."""

from docs import architecture_graph as graph


class ArchitectureGraphTests:
    def test_the_document_holds_the_diagram_the_code_gives(self):
        text = graph.DOC.read_text(encoding="utf-8")
        expected = graph.document_with_graph(text, graph.mermaid())
        assert text == expected, (
            "docs/architecture.md is out of date: "
            "run `python -m docs.architecture_graph --write`"
        )

    def test_no_module_imports_one_that_imports_it_back(self):
        # Imports inside functions count: a model that calls a view "later" still
        # ties the two together (a page reads with its own methods instead).
        found = graph.circles(graph.module_graph())
        assert found == [], "Modules that import one another: " + "; ".join(
            " ⇄ ".join(group) for group in found
        )

    def test_an_import_inside_a_function_is_an_arrow_too(self, tmp_path):
        for app, source in {
            "lower": "",
            "upper": "def later():\n    from lower import thing\n",
        }.items():
            (tmp_path / app).mkdir()
            (tmp_path / app / "apps.py").write_text("")
            (tmp_path / app / "thing.py").write_text(source)
        assert graph.app_graph(tmp_path) == {"lower": set(), "upper": {"lower"}}

    def test_relative_imports_and_circles_are_found(self, tmp_path):
        (tmp_path / "shop").mkdir()
        (tmp_path / "shop" / "apps.py").write_text("")
        (tmp_path / "shop" / "__init__.py").write_text("")
        (tmp_path / "shop" / "models.py").write_text("from . import views\n")
        (tmp_path / "shop" / "views.py").write_text("from .models import Item\n")
        (tmp_path / "shop" / "urls.py").write_text("from .views import index\n")
        modules = graph.module_graph(tmp_path)
        assert modules["shop.urls"] == {"shop.views"}
        assert graph.circles(modules) == [["shop.models", "shop.views"]]

    def test_migrations_are_left_out(self, tmp_path):
        for app in ("old", "new"):
            (tmp_path / app / "migrations").mkdir(parents=True)
            (tmp_path / app / "apps.py").write_text("")
        (tmp_path / "old" / "migrations" / "0001_initial.py").write_text(
            "import new.blocks\n"
        )
        assert graph.app_graph(tmp_path) == {"old": set(), "new": set()}
