"""axe-core in Chromium: the WCAG 2.0/2.1/2.2 A and AA rules, and the table CI prints.

axe-core is a pinned npm dev dependency (package.json, package-lock.json; `make setup` runs
`npm ci`). It is injected by Playwright into contexts opened with `bypass_csp=True`: the
portal's Content-Security-Policy allows no script that is not its own, which is right for
the portal and wrong for a test tool. Nothing else about the page changes.
"""

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.2 has no new level-A rule in axe; its AA rule (target size) is tagged wcag22aa.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LANGUAGES = ("ja", "en")

RUN = """async (tags) => {
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return {
    version: axe.version,
    violations: results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary, html: n.html.slice(0, 200)})),
    })),
  };
}"""


# Japanese typography (issue 25): a table header must never stack its text one character per
# line. Not an axe rule; checked on the same pages and reported in the same table.
HEADERS_BROKEN_PER_CHARACTER = """() => {
  const found = [];
  for (const th of document.querySelectorAll("th")) {
    const box = th.getBoundingClientRect();
    if (box.width < 2 || box.height < 2) continue;
    const size = parseFloat(getComputedStyle(th).fontSize);
    const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.textContent.trim().length < 2) continue;  // a sort priority digit, an icon
      const range = document.createRange();
      range.selectNodeContents(node);
      const lines = {};
      for (const r of range.getClientRects()) {
        if (r.width > 0) lines[Math.round(r.top)] = (lines[Math.round(r.top)] || 0) + r.width;
      }
      const widths = Object.values(lines);
      if (widths.length >= 3 && widths.filter((w) => w < size * 1.6).length >= 2) {
        found.push({target: node.textContent.trim().slice(0, 40),
                    summary: `${widths.length} lines in ${Math.round(box.width)} px`, html: th.outerHTML.slice(0, 200)});
      }
    }
  }
  return found;
}"""


def axe_source() -> str:
    if not AXE_JS.exists():
        message = "axe-core is not installed: run `npm ci` (or `make setup`) at the project root"
        if os.environ.get("PRM_REQUIRE_E2E"):
            raise pytest.UsageError(message)
        pytest.skip(message)
    return AXE_JS.read_text()


def version() -> str:
    return json.loads((AXE_JS.parent / "package.json").read_text())["version"]


def new_context(browser, *, language: str, **kwargs):
    """A context that lets axe in past the CSP; the page itself is the real one."""
    context = browser.new_context(bypass_csp=True, locale="ja-JP" if language == "ja" else "en-US", **kwargs)
    context.add_init_script(script=axe_source())
    return context


def check(page) -> list[dict]:
    violations = page.evaluate(RUN, TAGS)["violations"]
    broken = page.evaluate(HEADERS_BROKEN_PER_CHARACTER)
    if broken:
        violations.append(
            {"id": "ja-header-one-character-per-line", "impact": "serious", "help": "", "nodes": broken}
        )
    return violations


@dataclass
class Report:
    """Every page checked (page, role, language) and what axe found on it."""

    title: str
    checked: list = field(default_factory=list)  # (label, role, language, [violation ids])
    details: list = field(default_factory=list)  # readable lines for failures
    seconds: float = 0.0
    load_seconds: float = 0.0  # navigation and rendering
    axe_seconds: float = 0.0  # axe.run
    seen: set = field(default_factory=set)

    def add(self, label: str, role: str, language: str, violations: list[dict]) -> None:
        self.checked.append((label, role, language, [v["id"] for v in violations]))
        for v in violations:
            for node in v["nodes"]:
                key = (v["id"], node["target"], node["html"])
                if key in self.seen:
                    continue  # the same element on another page (the layout): said once
                self.seen.add(key)
                self.details.append(
                    f"{role} {language} {label}: {v['id']} ({v['impact']}) {node['target']}\n"
                    f"    {node['html']}\n    {node['summary']}".replace("\n  Fix", "\n      Fix")
                )

    @property
    def failures(self) -> int:
        return sum(1 for *_, ids in self.checked if ids)

    def table(self) -> str:
        pages = sorted({label for label, *_ in self.checked})
        roles = sorted({role for _, role, *_ in self.checked})
        by_rule = Counter(rule for *_, ids in self.checked for rule in ids)
        lines = [
            f"{self.title}: axe-core {version()} ({', '.join(TAGS)})",
            f"  pages {len(pages)} x roles {len(roles)} x languages {len(LANGUAGES)}:"
            f" {len(self.checked)} checks, {self.failures} with violations, {self.seconds:.0f} s"
            f" ({self.seconds / max(len(self.checked), 1):.2f} s per check: loading {self.load_seconds:.0f} s,"
            f" axe {self.axe_seconds:.0f} s)",
        ]
        per_role = Counter()
        failing_role = Counter()
        for _label, role, language, ids in self.checked:
            per_role[(role, language)] += 1
            failing_role[(role, language)] += bool(ids)
        lines.append(f"  {'role':<16}{'language':<10}{'pages':>6}{'failing':>9}")
        for role, language in sorted(per_role):
            key = (role, language)
            lines.append(f"  {role:<16}{language:<10}{per_role[key]:>6}{failing_role[key]:>9}")
        lines.append(f"  {'violations by rule':<34}{'pages':>6}")
        if not by_rule:
            lines.append(f"  {'(none)':<34}{0:>6}")
        for rule, count in by_rule.most_common():
            lines.append(f"  {rule:<34}{count:>6}")
        return "\n".join(lines)

    def page_table(self) -> str:
        """Every page with the roles and languages it was checked for (the file, not the terminal)."""
        checks, failing, roles = Counter(), Counter(), {}
        for label, role, language, ids in self.checked:
            checks[label] += 1
            failing[label] += bool(ids)
            roles.setdefault(label, set()).add(f"{role}/{language}")
        lines = [f"  {'page':<58}{'checks':>7}{'failing':>9}  roles/languages"]
        for label in sorted(checks):
            lines.append(
                f"  {label:<58}{checks[label]:>7}{failing[label]:>9}  {', '.join(sorted(roles[label]))}"
            )
        return "\n".join(lines)


REPORTS: list[Report] = []
