"""What a page shows in the browser, and what must never be in it.

Reads every text node, every accessible name, title and placeholder, and every cell of every
table, and reports: framework English, raw codes, booleans, raw timestamps, a count symbol
('<5') in a percentage column, and labels cut off with an ellipsis or by the edge of their box.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Final

from data_access.reference import codes
from ui import chrome

ROOT = Path(__file__).resolve().parents[2]

# English words a Dutch page has no use for (checked as whole words, in any case). Words that
# are Dutch as well ('is', 'of', 'open', 'stop', 'team', 'link', 'menu', 'help', 'app',
# 'partners', 'start') are left out: the exact strings in ui.chrome.TEXTS catch those.
_ENGLISH_WORDS: Final = """
    the and for with from this that these here there your you please
    file files browse drag drop upload download search choose option options available
    running select selected show hide sort ascending descending zoom reset toggle sidebar
    collapse expand heading more less view fullscreen exit copy column columns autoscale pan
    plot attribution skip main content results loading wait remove delete add edit rerun
    settings print deploy error press enter submit cancel none null nan focused previous next
    clear theme close visualization recording clipboard
"""
ENGLISH: Final = frozenset(_ENGLISH_WORDS.split())
# Acronyms that are Dutch labels in their own right (a code list may use them as codes too).
_ACRONYMS: Final = "CLB CAW GV SDJ CGG VAPH RTJ NRTJ VTE ELP OCMW CKG JWW OCJ VK"
ACRONYMS: Final = frozenset(_ACRONYMS.split())
TIMESTAMP: Final = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2})?\b")
BOOLEAN: Final = re.compile(r"\b(?:True|False|true|false)\b")

# Every text node and the texts people hear (accessible names, titles, placeholders), and for
# each table its headers and cells. Icon ligatures ('expand_more') are pictures, not text.
READ_JS: Final = """
async () => {
  const skip = "script, style, noscript, [data-testid=stIconMaterial], .material-symbols-rounded";
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const value = node.nodeValue.trim();
    if (value && !(node.parentElement && node.parentElement.closest(skip))) texts.push(value);
  }
  const attributes = [];
  const names = ["aria-label", "title", "placeholder", "alt", "data-title", "aria-description"];
  for (const el of document.querySelectorAll(names.map((n) => `[${n}]`).join(","))) {
    for (const name of names) {
      const value = el.getAttribute(name);
      if (value && value.trim()) attributes.push(`${name}=${value.trim()}`);
    }
  }
  const tables = [];
  for (const table of document.querySelectorAll(".monitor-table table")) {
    const headers = {};
    table.querySelectorAll("thead th").forEach((th, i) => {
      headers[String(i + 1)] = th.innerText.trim();
    });
    const cells = [];
    for (const row of table.querySelectorAll("tbody tr")) {
      [...row.children].forEach((td, i) => cells.push([String(i + 1), td.innerText.trim()]));
    }
    tables.push({headers, cells});
  }
  // Text cut off: an ellipsis style on an element whose text is wider than its box, or a
  // field (a select box shows its choice in one) whose value is wider than the field.
  const cut = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (el.closest("script, style, svg")) continue;
    if (!el.getClientRects().length || el.scrollWidth <= el.clientWidth + 1) continue;
    if (el.tagName === "INPUT") {
      if (el.value && !["file", "range", "hidden"].includes(el.type)) cut.push(el.value);
    } else if (getComputedStyle(el).textOverflow === "ellipsis" && el.innerText.trim()) {
      cut.push(el.innerText.trim());
    }
  }
  // A button or label pushed past the edge of a box that hides what overflows (a segmented
  // control in a column too narrow for it shows "Normale benad").
  for (const el of document.body.querySelectorAll("main button, main label")) {
    const text = el.innerText.trim();
    if (!text || !el.getClientRects().length) continue;
    const right = el.getBoundingClientRect().right;
    let box = el.parentElement;
    for (let depth = 0; box && depth < 8; depth += 1, box = box.parentElement) {
      if (["hidden", "clip", "auto", "scroll"].includes(getComputedStyle(box).overflowX)) {
        if (right > box.getBoundingClientRect().right + 1) cut.push(text);
        break;
      }
    }
  }
  return {texts, attributes, tables, cut};
}
"""


@dataclass
class Findings:
    """Everything wrong with one page, by kind."""

    english: set[str] = field(default_factory=set)
    codes: set[str] = field(default_factory=set)
    booleans: set[str] = field(default_factory=set)
    timestamps: set[str] = field(default_factory=set)
    counts_in_percentages: set[str] = field(default_factory=set)
    cut_off: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        return any(vars(self).values())

    def report(self) -> dict[str, list[str]]:
        return {kind: sorted(found)[:15] for kind, found in vars(self).items() if found}


@cache
def raw_codes() -> re.Pattern[str]:
    """Codes the app must show by their label: regions, roles, sources, code-list codes."""
    with (ROOT / "data_access" / "reference" / "regions.csv").open(encoding="utf-8") as handle:
        regions = {row["region_code"] for row in csv.DictReader(handle)}
    listed = {
        code
        for table in (
            codes.REFERRERS,
            codes.REFERRER_GROUPS,
            codes.REQUEST_NATURES,
            codes.RESPONSE_TYPES,
            codes.CLOSURE_REASONS,
            codes.STAFFING_FUNCTIONS,
            codes.PARTNER_SECTORS,
            codes.VOLUME_PARTIES,
        )
        for code in table
        if (code.isupper() or "_" in code) and code not in ACRONYMS
    }
    sources = {"case_tool", "monthly_counts", "volume_agreements"}
    every = sorted(regions | listed | sources | {"critical_friend"}, key=len, reverse=True)
    # A code alone, not a piece of a file name, dossier number or e-mail address.
    return re.compile(r"(?<![\w@./-])(" + "|".join(every) + r")(?![\w@/-]|\.\w)")


def findings(read: dict[str, Any]) -> Findings:
    """What is wrong in a page as READ_JS read it."""
    found = Findings()
    said = list(read["texts"]) + [a.split("=", 1)[1] for a in read["attributes"]]
    cells = [text for table in read["tables"] for _, text in table["cells"]]
    headers = [h for table in read["tables"] for h in table["headers"].values()]
    for text in said + cells + headers:
        if text in chrome.TEXTS or any(re.search(source, text) for source, _, _ in chrome.PATTERNS):
            found.english.add(text)
        words = {w.lower() for w in re.findall(r"[A-Za-z]+", text)}
        if words & ENGLISH:
            found.english.add(f"{text[:80]} ({', '.join(sorted(words & ENGLISH))})")
        for match in raw_codes().finditer(text):
            found.codes.add(f"{match[1]} in '{text[:80]}'")
        if BOOLEAN.search(text):
            found.booleans.add(text[:80])
        if TIMESTAMP.search(text):
            found.timestamps.add(text[:80])
    for table in read["tables"]:
        found.counts_in_percentages |= _counts_in_percentages(table)
    found.cut_off |= set(read["cut"])
    return found


def _counts_in_percentages(table: dict[str, Any]) -> set[str]:
    """'<5' is a count's symbol: a percentage column shows 'n<10' or 'x' instead."""
    by_column: dict[str, list[str]] = {}
    for column, text in table["cells"]:
        by_column.setdefault(column, []).append(text)
    wrong = set()
    for column, texts in by_column.items():
        header = table["headers"].get(column, "")
        percent = (
            "%" in header or "aandeel" in header.lower() or any(t.endswith("%") for t in texts)
        )
        if percent and "<5" in texts:
            wrong.add(f"{header or 'kolom ' + column}: <5")
    return wrong
