"""A person's journey through the pages: one signed-in tab per person, axe on every page passed.

The journey tests drive the pages as people do (clicks, typing, files) and call ``seen`` on
each page state they reach; the problems are gathered, not raised at once, so one run of a
journey lists every page that fails rather than the first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from caremarket.accessibility.axe import page_violations
from caremarket.accessibility.walk import CONTEXT
from caremarket.conftest import PASSWORD, sign_in


@dataclass
class Journey:
    browser: Any
    live_server: Any
    problems: list[str] = field(default_factory=list)
    _contexts: list[Any] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"{self.live_server.url}{path}"

    def person(self, email: str | None = None, password: str = PASSWORD) -> Any:
        """A tab of its own for one person (the public when ``email`` is None), signed in."""
        context = self.browser.new_context(**CONTEXT, accept_downloads=True)
        self._contexts.append(context)
        tab = context.new_page()
        tab.set_default_timeout(15000)
        if email is not None:
            sign_in(tab, self.live_server, email, password)
        return tab

    def seen(self, tab: Any, label: str) -> None:
        """axe-core and the GOV.UK checks on the page as the person sees it now."""
        tab.wait_for_load_state("load")
        self.problems.extend(page_violations(tab, label=label))

    def assert_accessible(self) -> None:
        assert not self.problems, "\n".join(self.problems)

    def close(self) -> None:
        for context in self._contexts:
            context.close()


def focused(tab: Any) -> dict[str, Any]:
    """What has the keyboard focus, and whether the page draws a visible indicator round it."""
    return tab.evaluate(
        """() => {
          const el = document.activeElement;
          if (!el || el === document.body) {
            return {tag: 'body', id: '', name: '', type: '', text: '', classes: '', href: '',
                    visible: false};
          }
          const s = getComputedStyle(el);
          const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
          const shadow = s.boxShadow && s.boxShadow !== 'none';
          const background = s.backgroundColor === 'rgb(255, 221, 0)';
          return {
            tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name') || '',
            type: el.getAttribute('type') || '', text: (el.innerText || el.value || '').trim(),
            classes: el.className || '', href: el.getAttribute('href') || '',
            visible: outline || shadow || background,
          };
        }"""
    )


def tab_to(tab: Any, matches: Any, *, limit: int = 80, back: bool = False) -> dict[str, Any]:
    """Press Tab (or Shift+Tab) until the focused element satisfies ``matches``, as a person
    moving through the page does; fail if it is never reached or its focus is not drawn."""
    for _ in range(limit):
        tab.keyboard.press("Shift+Tab" if back else "Tab")
        now = focused(tab)
        if matches(now):
            assert now["visible"], f"the focus on {now} is not visible"
            return now
    raise AssertionError(f"Tab never reached the element wanted; last was {focused(tab)}")


def keyboard_sign_in(tab: Any, live_server: Any, email: str, password: str = PASSWORD) -> None:
    """Sign in as a keyboard user does: Tab to each field, type, and Enter to send."""
    tab.goto(f"{live_server.url}/accounts/sign-in/")
    tab_to(tab, lambda f: f["name"] == "username")
    tab.keyboard.type(email)
    tab_to(tab, lambda f: f["name"] == "password")
    tab.keyboard.type(password)
    with tab.expect_navigation():
        tab.keyboard.press("Enter")


def press(tab: Any, key: str) -> None:
    """Press Enter or Space on the focused link or button and wait for the page it leads to."""
    with tab.expect_navigation():
        tab.keyboard.press(key)
