"""Small-group suppression on hand-made tables: primary cells, the complementary
cells that stop a hidden one being worked out from the totals, and bad input."""

import random

import pytest

from core.suppression import suppress_small_groups


def lines(grid, *, row_totals=True, column_totals=True):
    height, width = len(grid), len(grid[0])
    found = []
    if row_totals:
        found += [[grid[r][c] for c in range(width)] for r in range(height)]
    if column_totals:
        found += [[grid[r][c] for r in range(height)] for c in range(width)]
    return found


def assert_safe(original, suppressed, threshold=5):
    """No shown figure counts 1..threshold-1 people, and no line (row or column,
    totals included) has exactly one hidden figure."""
    for row in suppressed:
        for value in row:
            assert value is None or value == 0 or value >= threshold
    for line in lines(suppressed):
        assert sum(value is None for value in line) != 1, line
    for row, source in zip(suppressed, original, strict=True):
        for value, raw in zip(row, source, strict=True):
            assert value is None or value == raw


def with_margins(cells):
    rows = [row + [sum(row)] for row in cells]
    rows.append([sum(column) for column in zip(*rows, strict=True)])
    return rows


class SuppressionTests:
    def test_nothing_small_is_left_as_it_is(self):
        grid = with_margins([[5, 10], [7, 0]])
        assert suppress_small_groups(grid) == grid

    def test_one_small_cell_takes_the_next_smallest_in_its_row_and_column(self):
        grid = [
            [3, 10, 13],
            [8, 12, 20],
            [11, 22, 33],
        ]
        # Worked out by hand: 3 is small; its row then also hides 10 (smaller than
        # 13), its column 8 (smaller than 11); column 1 then has only 10 hidden and
        # hides 12. Every line now has two hidden figures or none.
        assert suppress_small_groups(grid) == [
            [None, None, 13],
            [None, None, 20],
            [11, 22, 33],
        ]

    def test_a_small_total_is_hidden_too(self):
        grid = with_margins([[2, 2], [10, 10]])
        result = suppress_small_groups(grid)
        assert result[0] == [None, None, None]
        assert_safe(grid, result)

    def test_zero_is_chosen_only_when_nothing_else_is_left(self):
        # Row Bukhara: 2 hidden; a zero beside it would be no cover, as the zero
        # column's total says it is zero. The 5 is hidden instead.
        grid = with_margins([[6, 0, 0], [2, 0, 5]])
        result = suppress_small_groups(grid)
        assert result[1][1] == 0
        assert result[1][2] is None
        assert result[1][0] is None
        assert_safe(grid, result)

    def test_hidden_cells_cannot_be_worked_out_by_subtraction(self):
        grid = with_margins([[1, 9, 20], [6, 30, 4], [12, 15, 18]])
        result = suppress_small_groups(grid)
        assert_safe(grid, result)
        for line in lines(result):
            # Where a line hides anything, the total of its hidden part is known
            # but not how it splits: at least two unknowns.
            assert sum(value is None for value in line) in (0, 2, 3, 4)

    def test_random_tables_are_always_safe(self):
        generator = random.Random(2026)  # noqa: S311 - test tables, not secrets
        for _round in range(300):
            height, width = generator.randint(1, 6), generator.randint(1, 6)
            cells = [
                [generator.choice([0, 1, 2, 4, 5, 6, 9, 20]) for _c in range(width)]
                for _r in range(height)
            ]
            grid = with_margins(cells)
            assert_safe(grid, suppress_small_groups(grid))

    def test_without_totals_only_small_cells_are_hidden(self):
        grid = [[3, 10], [8, 0]]
        result = suppress_small_groups(grid, row_totals=False, column_totals=False)
        assert result == [[None, 10], [8, 0]]

    def test_one_column_with_a_total_row(self):
        grid = [[4], [9], [30], [43]]
        result = suppress_small_groups(grid, row_totals=False)
        assert result == [[None], [None], [30], [43]]

    def test_a_higher_threshold(self):
        grid = with_margins([[7, 12], [15, 20]])
        result = suppress_small_groups(grid, threshold=10)
        assert result[0][0] is None
        assert_safe(grid, result, threshold=10)

    def test_the_table_given_is_not_changed(self):
        grid = with_margins([[1, 9], [9, 9]])
        copy = [list(row) for row in grid]
        suppress_small_groups(grid)
        assert grid == copy

    def test_ragged_rows_are_refused(self):
        with pytest.raises(ValueError, match="same number"):
            suppress_small_groups([[1, 2], [3]])

    def test_a_threshold_below_one_is_refused(self):
        with pytest.raises(ValueError, match="threshold"):
            suppress_small_groups([[1]], threshold=0)

    def test_an_empty_table(self):
        assert suppress_small_groups([]) == []
