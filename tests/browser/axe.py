"""axe-core, the accessibility rules engine, run in a page: WCAG 2.1 A and AA rules.

The engine is not checked in (650 kB of minified JavaScript, MPL-2.0): the first run fetches
the pinned package from the npm registry, checks it against the registry's published
integrity hash, and keeps axe.min.js in .cache/ (ignored by git). CI has the registry on its
network; without it the test fails with this module's message rather than pass unchecked.
"""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
import urllib.request
from pathlib import Path
from typing import Any, Final

VERSION: Final = "4.14.1"
TARBALL: Final = f"https://registry.npmjs.org/axe-core/-/axe-core-{VERSION}.tgz"
# As `npm view axe-core@4.14.1 dist.integrity` prints it.
INTEGRITY: Final = "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
CACHE: Final = Path(__file__).resolve().parents[2] / ".cache" / f"axe-core-{VERSION}"
# The rules of WCAG 2.1 level A and AA; impacts that fail the test.
TAGS: Final = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
FAILING: Final = frozenset({"serious", "critical"})

RUN_JS: Final = """
async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), html: n.html.slice(0, 160)})),
  }));
}
"""


def source() -> str:
    """axe.min.js of the pinned version, fetched and verified once."""
    kept = CACHE / "axe.min.js"
    if kept.exists():
        return kept.read_text(encoding="utf-8")
    try:
        with urllib.request.urlopen(TARBALL, timeout=60) as answer:
            package = answer.read()
    except OSError as exc:
        raise RuntimeError(
            f"axe-core {VERSION} could not be fetched from the npm registry ({exc}); the "
            f"accessibility test needs it once (then it is kept in {CACHE})."
        ) from exc
    digest = "sha512-" + base64.b64encode(hashlib.sha512(package).digest()).decode()
    if digest != INTEGRITY:
        raise RuntimeError(f"axe-core {VERSION} from the registry does not match its hash.")
    with tarfile.open(fileobj=io.BytesIO(package), mode="r:gz") as archive:
        member = archive.extractfile("package/axe.min.js")
        assert member is not None
        script = member.read().decode("utf-8")
    CACHE.mkdir(parents=True, exist_ok=True)
    kept.write_text(script, encoding="utf-8")
    return script


def violations(page: Any) -> list[dict[str, Any]]:
    """Serious and critical WCAG 2.1 AA violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=source())
    found: list[dict[str, Any]] = page.evaluate(RUN_JS, list(TAGS))
    return [v for v in found if v["impact"] in FAILING]
