"""Issue 15: no function outside the demo loaders is over 100 lines.

A long function hides several steps behind one name, and is what new work copies from. The demo
loaders are exempt: they are lists of data written as calls, read top to bottom.
"""

import ast
from pathlib import Path

import caremarket

MAX_LINES = 100
ROOT = Path(caremarket.__file__).parent


def _exempt(path: Path, root: Path) -> bool:
    parts = path.relative_to(root).parts
    return (
        "migrations" in parts
        or "tests" in parts
        or path.name == "conftest.py"
        or path.stem == "demo"
        or "demo" in parts[:-1]
    )


def long_functions(root: Path = ROOT, limit: int = MAX_LINES) -> list[str]:
    """Every function (methods and nested functions too) longer than `limit` lines."""
    found = []
    for path in sorted(root.rglob("*.py")):
        if _exempt(path, root):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                # Decorators are part of the function as a reader sees it.
                start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                lines = (node.end_lineno or node.lineno) - start + 1
                if lines > limit:
                    found.append(f"{path.relative_to(root.parent)}:{node.name}:{lines}")
    return found


def test_no_function_is_over_100_lines():
    assert long_functions() == []


def test_the_check_sees_a_long_function_and_skips_the_exempt(tmp_path):
    body = "\n".join(f"        x{i} = {i}" for i in range(MAX_LINES))
    source = f"def short():\n    pass\n\n\nclass C:\n    def long(self):\n{body}\n"
    (tmp_path / "mod.py").write_text(source)
    (tmp_path / "demo.py").write_text(source)
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "0001_x.py").write_text(source)
    assert long_functions(tmp_path) == [f"{tmp_path.name}/mod.py:long:101"]


# Entry points read the clock and pass `now` down (decision 0004); so do the app's start-up,
# and the settings. Everything else takes `now` or `today` as an argument.
CLOCK_READERS = {
    "api",
    "apis",
    "apps",
    "auth",
    "context_processors",
    "demo",
    "management",
    "middleware",
    "queue",
    "settings",
    "tasks",
    "templatetags",
    "urls",
    "views",
}
_CLOCK_CALLS = {
    ("timezone", "now"),
    ("timezone", "localdate"),
    ("timezone", "localtime"),
    ("dt.datetime", "now"),
    ("datetime", "now"),
    ("datetime.datetime", "now"),
    ("dt.date", "today"),
    ("date", "today"),
    ("datetime.date", "today"),
}


def clock_reads(root: Path = ROOT) -> list[str]:
    """Calls that read the clock outside the entry points (`localdate(now)` converts a given
    instant and is not a read)."""
    found = []
    for path in sorted(root.rglob("*.py")):
        parts = set(path.relative_to(root).with_suffix("").parts)
        if _exempt(path, root) or parts & CLOCK_READERS:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            call = (ast.unparse(node.func.value), node.func.attr)
            if call in _CLOCK_CALLS and not node.args and not node.keywords:
                found.append(f"{path.relative_to(root.parent)}:{node.lineno}:{ast.unparse(node)}")
    return found


def test_only_entry_points_read_the_clock():
    assert clock_reads() == []


def test_the_check_sees_a_clock_read(tmp_path):
    (tmp_path / "services.py").write_text(
        "from django.utils import timezone\n\n\ndef x(now):\n"
        "    timezone.localdate(now)\n    return timezone.now()\n"
    )
    (tmp_path / "views.py").write_text("from django.utils import timezone\n\ntimezone.now()\n")
    assert clock_reads(tmp_path) == [f"{tmp_path.name}/services.py:6:timezone.now()"]
