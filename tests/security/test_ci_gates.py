"""CI gate run by `make test`: bandit finds nothing of high severity in the
project's code. (`check --deploy` with production settings is in test_headers.py.)

pip-audit is `make audit`, not a test: it needs a vulnerability service (OSV, or
PyPI's per-release JSON), and the machines CI runs on reach neither, so here it could
only skip or fail. See docs/security.md.
"""

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def project_packages() -> list[str]:
    """The top-level Python packages of Ko'mak (tests and benchmarks aside)."""
    return sorted(
        path.parent.name
        for path in REPO.glob("*/__init__.py")
        if path.parent.name not in {"tests", "bench"}
    )


class CiGateTests:
    def test_bandit_finds_nothing_of_high_severity(self):
        packages = project_packages()
        assert {"accounts", "cms", "consultations"} <= set(packages)
        result = subprocess.run(
            [
                str(BIN / "bandit"),
                "--quiet",
                "--recursive",
                "--severity-level",
                "high",
                "--exclude",
                ",".join(f"./{name}/migrations" for name in packages),
                "--format",
                "json",
                *packages,
            ],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=300,
        )
        report = json.loads(result.stdout)
        high = [
            f"{issue['filename']}:{issue['line_number']} {issue['test_id']} "
            f"{issue['issue_text']}"
            for issue in report["results"]
        ]
        assert high == [], "\n".join(high)
        assert result.returncode == 0, result.stderr
        assert report["metrics"]["_totals"]["loc"] > 1000  # it really read the code
