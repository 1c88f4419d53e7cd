"""Small-group suppression: no figure about fewer than `threshold` people is shown.

One pure function, used by every table, chart, total and export of the needs
analytics (docs/privacy.md, "Needs analytics"). A cell is first hidden when it counts
1 to `threshold - 1` people (primary suppression; zero names nobody and stays). Then,
because a table's totals are sums of its cells, a row or column with exactly one
hidden figure would give it away by subtraction; so the smallest figure still shown
in that line is hidden too (complementary suppression), and the lines are checked
again until nothing changes.
"""

Grid = list[list[int]]
SuppressedGrid = list[list[int | None]]


def suppress_small_groups(
    grid: Grid,
    *,
    threshold: int = 5,
    row_totals: bool = True,
    column_totals: bool = True,
) -> SuppressedGrid:
    """Hide every small group in `grid` and whatever would let one be worked out.

    `grid` holds counts of distinct people. With `row_totals`, its last column is
    each row's total (the total row's last cell is the grand total); with
    `column_totals`, its last row is each column's total. A line (a row when rows
    have totals, a column when columns have) is where subtraction could reveal a
    hidden figure, so no such line is left with exactly one hidden figure. Returns a
    grid of the same shape with hidden figures as None; `grid` is not changed.
    """
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    height = len(grid)
    width = len(grid[0]) if height else 0
    if any(len(row) != width for row in grid):
        raise ValueError("every row must have the same number of cells")
    hidden = [[0 < value < threshold for value in row] for row in grid]
    lines: list[list[tuple[int, int]]] = []
    if row_totals:
        lines += [[(r, c) for c in range(width)] for r in range(height)]
    if column_totals:
        lines += [[(r, c) for r in range(height)] for c in range(width)]
    changed = True
    while changed:
        changed = False
        for line in lines:
            hidden_here = [cell for cell in line if hidden[cell[0]][cell[1]]]
            if len(hidden_here) != 1:
                continue
            shown = [cell for cell in line if not hidden[cell[0]][cell[1]]]
            if not shown:
                continue
            # The smallest figure costs the reader least; ties go to the first. A
            # zero only when nothing else is left: a hidden zero next to a total of
            # zero is known to be zero, and would protect nothing.
            row, column = min(
                shown,
                key=lambda cell: (
                    grid[cell[0]][cell[1]] == 0,
                    grid[cell[0]][cell[1]],
                    cell,
                ),
            )
            hidden[row][column] = True
            changed = True
    return [
        [None if hidden[r][c] else grid[r][c] for c in range(width)]
        for r in range(height)
    ]
