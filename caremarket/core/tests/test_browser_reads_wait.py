"""A browser test never reads the page straight after a click without waiting for what it opens.

Playwright's `click()` returns once the click is dispatched, not when the page it loads has
arrived. A read that does not wait (`page.title()`, `locator.inner_text()`, `count()` ...) then
runs against whichever page happens to be there: the one being left, or a blank one mid-load.
That passed on a quiet machine and failed CI three times (two-factor set-up, insight dashboards,
a package's hours). The reads that follow a click either sit after `with page.expect_navigation()`
or use Playwright's waiting `expect(...)`.
"""

import ast
import itertools
from pathlib import Path

import caremarket

ROOT = Path(caremarket.__file__).parent

ACTIONS = {"click", "dblclick", "press", "tap"}
NON_WAITING_READS = {
    "title",
    "inner_text",
    "inner_html",
    "text_content",
    "input_value",
    "count",
    "is_visible",
    "is_checked",
    "get_attribute",
    "all_inner_texts",
    "all_text_contents",
    "content",
}
WAITING_CONTEXTS = {"expect_navigation", "expect_popup", "expect_download", "expect_response"}


def _browser_files(root: Path) -> list[Path]:
    files = []
    for path in sorted(root.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if ("tests" in path.parts and "live_server" in text) or path.name == "journey.py":
            files.append(path)
    return files


def _calls(node: ast.AST) -> list[str]:
    return [
        n.func.attr
        for n in ast.walk(node)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
    ]


def _is_action(stmt: ast.stmt) -> bool:
    return (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Call)
        and isinstance(stmt.value.func, ast.Attribute)
        and stmt.value.func.attr in ACTIONS
    )


def _reads_without_waiting(stmt: ast.stmt) -> bool:
    names = [
        n.func.id
        for n in ast.walk(stmt)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
    ]
    if "expect" in names:
        return False
    return bool(NON_WAITING_READS & set(_calls(stmt)))


def _waits(node: ast.With) -> bool:
    return any(WAITING_CONTEXTS & set(_calls(item.context_expr)) for item in node.items)


def unwaited_reads(root: Path = ROOT) -> list[str]:
    found: list[str] = []
    for path in _browser_files(root):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            # A click inside `with page.expect_navigation():` is followed by the reads after the
            # `with`, so only the statements of a block that does not wait are paired.
            if isinstance(node, ast.With) and _waits(node):
                continue
            for field in ("body", "orelse", "finalbody"):
                body = getattr(node, field, None)
                if not isinstance(body, list):
                    continue
                for this, after in itertools.pairwise(body):
                    if isinstance(after, ast.Try):
                        after = after.body[0]
                    if _is_action(this) and _reads_without_waiting(after):
                        found.append(f"{path.relative_to(root)}:{after.lineno}")
    return found


def test_no_browser_test_reads_the_page_a_click_is_still_loading():
    assert unwaited_reads() == []


def test_the_check_sees_a_read_straight_after_a_click(tmp_path):
    tests = tmp_path / "app" / "tests"
    tests.mkdir(parents=True)
    (tests / "test_x.py").write_text(
        "def test_racy(page, live_server):\n"
        "    page.get_by_role('link', name='Next').click()\n"
        "    assert page.title() == 'Next'\n"
        "\n"
        "def test_waits(page, live_server):\n"
        "    with page.expect_navigation():\n"
        "        page.get_by_role('link', name='Next').click()\n"
        "    assert page.title() == 'Next'\n"
        "    page.get_by_role('button', name='Save').click()\n"
        "    expect(page.locator('h1')).to_have_text('Saved')\n"
    )
    assert unwaited_reads(tmp_path) == ["app/tests/test_x.py:3"]
