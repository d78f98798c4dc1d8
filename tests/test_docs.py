"""The design the code cites lives in the repository: every `docs/…` a comment names exists,
with the section it names, and nothing reaches outside the repository for it."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [
    p
    for p in ROOT.rglob("*")
    if p.suffix in {".py", ".md", ".toml"}
    and not {".venv", ".tools", "test-artifacts", ".git"} & set(p.relative_to(ROOT).parts)
]
CITATION = re.compile(r"docs/([a-z_]+\.md)(?: §(\d+))?")


def test_every_cited_document_and_section_exists() -> None:
    """`docs/design.md §5` in a comment means a file docs/design.md with a section "## 5."."""
    cited: set[tuple[str, str | None]] = set()
    for path in SOURCES:
        for name, section in CITATION.findall(path.read_text(encoding="utf-8")):
            cited.add((name, section or None))
    assert ("design.md", "5") in cited and ("disclosure.md", None) in cited
    for name, section in sorted(cited, key=str):
        document = ROOT / "docs" / name
        assert document.exists(), name
        if section is not None:
            headings = re.findall(r"(?m)^## (\d+)\.", document.read_text(encoding="utf-8"))
            assert section in headings, (name, section)


def test_nothing_reaches_outside_the_repository_for_its_design() -> None:
    """No code, test or document reads or cites a design kept outside the repository."""
    outside = re.compile(r"\.\./shared|shared/DESIGN|DESIGN §")
    offenders = [
        str(p.relative_to(ROOT)) for p in SOURCES if outside.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == [str(Path(__file__).relative_to(ROOT))]
