"""Visit every declared state of an app's pages, one browser context per role, and collect."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError

from caremarket.accessibility.axe import page_violations
from caremarket.accessibility.registry import Page, State
from caremarket.conftest import sign_in

DESKTOP = {"width": 1280, "height": 900}
# axe-core is injected as a script of its own, which the pages' Content Security Policy forbids.
CONTEXT = {"viewport": DESKTOP, "bypass_csp": True}


def state_url(live_server: Any, page: Page, state: State, data: Any) -> str:
    url = reverse(page.name, kwargs=state.kwargs(data) if state.kwargs else None)
    query = state.query(data) if callable(state.query) else state.query
    return f"{live_server.url}{url}{'?' + query if query else ''}"


def walk(
    browser: Any, live_server: Any, world: Any, data: Any, pages: list[Page]
) -> tuple[list[str], dict[str, set[str]]]:
    """Every state of ``pages`` for each role: the problems found, and each title's routes."""
    by_role: dict[str | None, list[tuple[Page, State]]] = defaultdict(list)
    for entry in pages:
        for role in entry.roles:
            by_role[role].extend((entry, state) for state in entry.states)
    problems: list[str] = []
    titles: dict[str, set[str]] = defaultdict(set)
    for role, visits in by_role.items():
        context = browser.new_context(**CONTEXT)
        tab = context.new_page()
        tab.set_default_timeout(5000)
        if role is not None:
            sign_in(tab, live_server, getattr(world, role).email)
        for entry, state in visits:
            label = f"{entry.name} [{state.name}] as {role or 'the public'}"
            try:
                problems.extend(_visit(tab, live_server, entry, state, data, label, titles))
            except PlaywrightError as exc:
                # A state that cannot be reached is a problem to report with the others.
                problems.append(f"{label}: {str(exc).splitlines()[0]}")
        context.close()
    return problems, titles


def _visit(tab, live_server, entry, state, data, label, titles) -> list[str]:
    response = tab.goto(state_url(live_server, entry, state, data))
    status = response.status if response else 0
    if status != state.status:
        return [f"{label}: answered {status}, expected {state.status}"]
    for selector, value in state.fill.items():
        tab.fill(selector, value)
    for selector, value in state.check.items():
        tab.check(f"{selector}[value='{value}']")
    if state.submit:
        # Some forms post by script (uploads show their progress), so wait for the summary.
        tab.click(state.submit)
        try:
            tab.wait_for_selector(".govuk-error-summary", state="attached")
        except PlaywrightError:
            return [f"{label}: submitting `{state.submit}` showed no error summary"]
        tab.wait_for_load_state("load")
        summary_problems = _error_summary_targets(tab, label)
    else:
        summary_problems = []
    titles[tab.title()].add(entry.name)
    return summary_problems + page_violations(tab, label=label)


def _error_summary_targets(tab, label) -> list[str]:
    """Each link in the error summary goes to a field on the page (GOV.UK: its first input)."""
    hrefs = tab.eval_on_selector_all(
        ".govuk-error-summary__list a", "links => links.map(a => a.getAttribute('href'))"
    )
    problems = []
    for href in hrefs:
        target = href.lstrip("#")
        if not target or not tab.evaluate(
            "id => { const el = document.getElementById(id);"
            " return !!el && ['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName); }",
            target,
        ):
            problems.append(f"{label}: error summary link {href!r} goes to no field")
    return problems


def duplicate_titles(titles: dict[str, set[str]]) -> list[str]:
    return [
        f"the title {title!r} is shared by {', '.join(sorted(names))}"
        for title, names in titles.items()
        if len(names) > 1
    ]
