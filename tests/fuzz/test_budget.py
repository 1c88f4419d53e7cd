"""The fuzz's size: under the "ci" profile the endpoints' shares add up to at least
5,000 generated requests (issue 13), and every fuzzed endpoint has a share."""

import ast
from pathlib import Path

from hypothesis import settings

from .harness import MINIMUM_TOTAL, WEIGHTS

HERE = Path(__file__).parent


def test_ci_budget_is_at_least_five_thousand():
    ci = settings.get_profile("komak-fuzz-ci")
    total = sum(round(ci.max_examples * weight) for weight in WEIGHTS.values())
    assert total >= MINIMUM_TOTAL, total
    assert ci.deadline is None
    assert ci.derandomize


def test_every_share_is_used_by_a_test_and_every_test_has_one():
    used = set()
    for path in HERE.glob("test_*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", "") == "fuzz_settings"
            ):
                used.add(node.args[0].value)
    assert used == set(WEIGHTS)
