"""The error of a demo data file that cannot be loaded (no Django import, so that
`demo.people` can be read by scripts that do not set Django up)."""

from pathlib import Path

DEMO_ROOT = Path(__file__).resolve().parent


class DemoDataError(ValueError):
    """A demo data file that cannot be loaded; the message names file and field."""

    def __init__(self, path: Path, field: str, message: str):
        self.path, self.field = path, field
        super().__init__(f"{_shown(path)}: {field}: {message}")


def _shown(path: Path) -> str:
    """The file's path from the project root, as a person would type it."""
    try:
        return str(path.relative_to(DEMO_ROOT.parent))
    except ValueError:
        return str(path)
