"""Checks run on a page open in Playwright; each returns readable lines, one per problem."""

from __future__ import annotations

from typing import Any

from django.conf import settings

AXE_JS = settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
TITLE_SUFFIX = " – Care Market – Essex County Council"
NARROW = {"width": 320, "height": 640}

_RUN = """async ([tags, only]) => {
  const options = only.length
    ? {runOnly: {type: 'rule', values: only}, resultTypes: ['violations']}
    : {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']};
  const result = await axe.run(document, options);
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary || ''})),
  }));
}"""

# Elements that stick out past the right edge while not inside a region that scrolls.
_OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width + 1) return [];
  const scrolls = el => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const s = getComputedStyle(p).overflowX;
      if (s === 'auto' || s === 'scroll' || s === 'hidden') return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right > width + 1 && r.width > 0 && !scrolls(el)) {
      const id = el.id ? '#' + el.id : '';
      const cls = el.classList.length ? '.' + [...el.classList].join('.') : '';
      out.push(el.tagName.toLowerCase() + id + cls);
      if (out.length >= 3) break;
    }
  }
  return out;
}"""


def _axe(page: Any, only: list[str] | None = None) -> list[dict[str, Any]]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(_RUN, [WCAG_TAGS, only or []])


def axe_violations(page: Any, *, label: str) -> list[str]:
    """axe-core's WCAG 2.0, 2.1 and 2.2 A and AA rules on the page as it is now."""
    return [
        f"{label}: {v['id']} ({v['impact']}): {v['help']} at `{n['target']}`"
        + (f"\n      {n['summary'].splitlines()[-1].strip()}" if n["summary"] else "")
        for v in _axe(page)
        for n in v["nodes"][:4]
    ]


def govuk_violations(page: Any, *, label: str) -> list[str]:
    """What GOV.UK asks and axe does not check: the title's shape, GET forms, reflow."""
    problems = []
    title = page.title()
    # GOV.UK's "Error: " is for validation errors, whose summary lists links to the fields.
    has_errors = page.locator(".govuk-error-summary__list li").count() > 0
    name = title.removeprefix("Error: ").removesuffix(TITLE_SUFFIX)
    if not title.endswith(TITLE_SUFFIX) or not name.strip() or name == "Care Market":
        problems.append(f"{label}: title {title!r} is not 'Page{TITLE_SUFFIX}'")
    if "<" in title or "csrfmiddlewaretoken" in title:
        problems.append(f"{label}: title {title!r} carries markup")
    summary = page.locator(".govuk-error-summary").count() > 0
    if (has_errors and not title.startswith("Error: ")) or (
        title.startswith("Error: ") and not summary
    ):
        problems.append(
            f"{label}: title {title!r} "
            + ("lacks 'Error: ' though the page shows errors" if has_errors else "says 'Error: '")
        )
    if page.locator("form[method=get] input[name=csrfmiddlewaretoken]").count():
        problems.append(f"{label}: a GET form carries the CSRF token into the URL")
    size = page.viewport_size
    page.set_viewport_size(NARROW)
    try:
        for offender in page.evaluate(_OVERFLOW):
            problems.append(f"{label}: at 320 px `{offender}` overflows the page (WCAG 1.4.10)")
        problems.extend(
            f"{label} at 320 px: {v['id']}: {v['help']} at `{n['target']}`"
            for v in _axe(page, ["scrollable-region-focusable"])
            for n in v["nodes"][:4]
        )
    finally:
        if size:
            page.set_viewport_size(size)
    return problems


def page_violations(page: Any, *, label: str) -> list[str]:
    return axe_violations(page, label=label) + govuk_violations(page, label=label)
