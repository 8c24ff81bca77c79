"""Every runtime dependency (requirements.txt) has a licence compatible with Apache-2.0:
no GPL or AGPL (LGPL is fine for a library used unmodified, as pygal is)."""

import re
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COPYLEFT = re.compile(r"\bA?GPL|GNU (Affero )?General Public License", re.IGNORECASE)
LESSER = re.compile(r"LGPL|Lesser General Public|Library General Public", re.IGNORECASE)
# Packages whose metadata names no licence at all, with the licence of their source.
DECLARED = {}


def runtime_packages() -> list[str]:
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return [line.split("==")[0].strip() for line in lines if "==" in line and not line.startswith("#")]


def licence_texts(name: str) -> list[str]:
    meta = metadata.metadata(name)
    texts = [
        meta.get("License-Expression") or "",
        (meta.get("License") or "").splitlines()[0] if meta.get("License") else "",
    ]
    texts += [c for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    return [t for t in texts if t.strip()]


def copyleft(texts: list[str]) -> bool:
    return any(COPYLEFT.search(t) and not LESSER.search(t) for t in texts)


def test_the_checker_tells_gpl_from_lgpl_and_permissive():
    assert copyleft(["GPL-3.0-or-later"])
    assert copyleft(["License :: OSI Approved :: GNU General Public License v3 or later (GPLv3+)"])
    assert copyleft(["AGPL-3.0-only"])
    assert not copyleft(["LGPL-3.0-or-later"])
    assert not copyleft(["License :: OSI Approved :: GNU Lesser General Public License v3 (LGPLv3)"])
    assert not copyleft(["Apache-2.0", "License :: OSI Approved :: MIT License"])


def test_no_runtime_dependency_is_gpl():
    packages = runtime_packages()
    assert len(packages) > 40
    found = {name: licence_texts(name) for name in packages}
    gpl = {name: texts for name, texts in found.items() if copyleft(texts)}
    unknown = sorted(name for name, texts in found.items() if not texts and name.lower() not in DECLARED)
    assert not gpl, f"GPL runtime dependencies (incompatible with Apache-2.0): {gpl}"
    assert not unknown, (
        f"runtime dependencies without licence metadata (check and add to DECLARED): {unknown}"
    )
