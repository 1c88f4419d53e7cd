"""Run axe-core (vendored from the npm registry, see tests/vendor/axe-core) in a
Playwright page and return what it finds against WCAG 2.2 AA.
"""

from pathlib import Path

AXE_VERSION = "4.14.1"
AXE_PATH = Path(__file__).resolve().parent.parent / "vendor" / "axe-core" / "axe.min.js"

# Success criteria of WCAG 2.0, 2.1 and 2.2 at levels A and AA.
WCAG_22_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

RUN_AXE = """
async (tags) => {
  const results = await axe.run(document, { runOnly: { type: "tag", values: tags } });
  return results.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    targets: violation.nodes.slice(0, 5).map((node) => node.target.join(" ")),
  }));
}
"""


def axe_violations(page) -> list[dict]:
    """Violations of WCAG 2.2 AA on the page as it is now.

    The page's context must be created with `bypass_csp=True`: our Content-Security-
    Policy rightly refuses the injected script otherwise.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_PATH))
    return page.evaluate(RUN_AXE, WCAG_22_AA_TAGS)


def sideways_overflow(page) -> int:
    """How many CSS pixels the page is wider than the viewport (0 when it reflows)."""
    return page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - window.innerWidth"
    )


SMALL_TARGETS = """
() => {
  const selector = [
    "button", "input[type=submit]", "input[type=button]", "a.button",
    "select", "input[type=text]", "input[type=tel]", "input[type=password]",
    "input[type=email]", "input[type=search]", "input[type=number]", "nav a",
  ].join(",");
  const small = [];
  for (const element of document.querySelectorAll(selector)) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue; // not shown
    if (box.height < 47.5 || box.width < 47.5) {
      const label = (element.innerText || element.value || element.name || "").trim();
      const id = element.id ? "#" + element.id : "";
      const size = `${Math.round(box.width)}x${Math.round(box.height)}`;
      const name = element.tagName.toLowerCase() + id;
      small.push(`${name} "${label.slice(0, 30)}" ${size}`);
    }
  }
  return small;
}
"""


def small_targets(page) -> list[str]:
    """Buttons, fields and navigation links smaller than 48×48 CSS px."""
    return page.evaluate(SMALL_TARGETS)


BROKEN_REFERENCES = """
() => {
  const broken = [];
  for (const attribute of ["aria-describedby", "aria-labelledby", "aria-controls"]) {
    for (const element of document.querySelectorAll(`[${attribute}]`)) {
      for (const id of element.getAttribute(attribute).split(/\\s+/).filter(Boolean)) {
        const target = document.getElementById(id);
        if (!target) broken.push(`${attribute}=${id}`);
        // A label or description that says nothing (such as a <p> that a list
        // inside it closed) is as broken as a missing one.
        else if (attribute !== "aria-controls" && !target.textContent.trim()) {
          broken.push(`${attribute}=${id} (empty)`);
        }
      }
    }
  }
  return broken;
}
"""


def broken_references(page) -> list[str]:
    """aria-describedby, -labelledby and -controls that point to no element, and
    aria-describedby and -labelledby that point to an element without text."""
    return page.evaluate(BROKEN_REFERENCES)
