"""The design documents live in the repository and stay readable (issue 24, item 7)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

# Ten minutes at about 250 words a minute: past this the page is a reference, and the
# reference belongs in docs/patterns.md.
CONVENTIONS_MAX_WORDS = 2500


def test_conventions_is_a_ten_minute_read():
    words = len((DOCS / "CONVENTIONS.md").read_text().split())
    assert words <= CONVENTIONS_MAX_WORDS, (
        f"docs/CONVENTIONS.md has {words} words: move detail to docs/patterns.md"
    )


def test_design_documents_are_in_the_repository():
    """Every document the docs point to exists here: nothing refers to files next to the project."""
    broken = []
    for page in [*DOCS.glob("*.md"), ROOT / "README.md", ROOT / "CONTRIBUTING.md"]:
        text = page.read_text()
        if "../shared" in text:
            broken.append(f"{page.name}: refers to ../shared")
        for target in re.findall(r"\]\(([^)#:]+\.md)(?:#[^)]*)?\)", text):
            if not (page.parent / target).exists():
                broken.append(f"{page.name}: link to {target}")
    assert not broken, broken
