"""Decision 0053: a job package's `__init__` re-exports the public names of its modules and holds
no code, so turning a module into a package changes none of its callers.

A public name is one a module defines (not one it imports), not starting with `_`. Three kinds
are left out, because re-exporting them would mislead or break a caller:
- a module's logger and its type variables, which belong to the module alone;
- a name two modules of the package both define: the package cannot say which it means;
- a name that is also a module of the package (`carehomes/views/search.py` defines `search`):
  binding it on the package hides the module from `from caremarket.carehomes.views import
  search` and from `mock.patch` targets that go through the package. Such a name is not
  required; where a caller already reads it through the package (`accounts.views.account` in
  the URLs), the `__init__` may keep it.
"""

import ast
from collections import defaultdict
from pathlib import Path

import caremarket

ROOT = Path(caremarket.__file__).parent
# The jobs of decision 0053. Other packages are not jobs: engine and ehm are pure libraries whose
# callers import the module they need; demo, management, migrations, templatetags and tests are
# found by Django or pytest, not imported by name.
JOBS = frozenset(
    {"models", "rules", "selectors", "services", "forms", "views", "apis", "queue", "tasks"}
)
_MODULE_ONLY_CALLS = frozenset({"getLogger", "TypeVar", "ParamSpec", "TypeVarTuple"})


def _is_module_only(value: ast.expr | None) -> bool:
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name in _MODULE_ONLY_CALLS


def _defined(body: list[ast.stmt]) -> list[str]:
    names: list[str] = []
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.append(node.name)
        elif isinstance(node, ast.Assign) and not _is_module_only(node.value):
            for target in node.targets:
                names.extend(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            if not _is_module_only(node.value):
                names.append(node.target.id)
        elif isinstance(node, ast.If | ast.Try):
            for block in (node.body, node.orelse, getattr(node, "finalbody", [])):
                names.extend(_defined(block))
    return names


def public_names(package: Path) -> tuple[dict[str, str], set[str], set[str]]:
    """The name → module the `__init__` must re-export, the names two modules define (which
    it must not), and the names that are also modules (which it need not)."""
    modules = sorted(p for p in package.glob("*.py") if p.name != "__init__.py")
    owners: dict[str, set[str]] = defaultdict(set)
    for path in modules:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for name in _defined(tree.body):
            if not name.startswith("_"):
                owners[name].add(path.stem)
    clashes = {name for name, mods in owners.items() if len(mods) > 1}
    shadows = {p.stem for p in modules} & set(owners) - clashes
    wanted = {
        name: mods.pop()
        for name, mods in owners.items()
        if name not in clashes and name not in shadows
    }
    return wanted, clashes, shadows


def _all_names(node: ast.stmt) -> list[str] | None:
    """The names of an `__all__ = [...]` statement; None for any other statement."""
    if not (
        isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
        and node.targets[0].id == "__all__"
        and isinstance(node.value, ast.List | ast.Tuple)
    ):
        return None
    return [ast.literal_eval(element) for element in node.value.elts]


def package_problems(package: Path, dotted: str) -> list[str]:
    """What is wrong with one job package's `__init__`; empty when it follows decision 0053."""
    init = package / "__init__.py"
    tree = ast.parse(init.read_text(encoding="utf-8"), filename=str(init))
    problems: list[str] = []
    imported: dict[str, str] = {}
    listed: list[str] = []
    for index, node in enumerate(tree.body):
        if isinstance(node, ast.ImportFrom) and node.level == 0:
            for alias in node.names:
                imported[alias.asname or alias.name] = node.module or ""
        elif (names := _all_names(node)) is not None:
            listed = names
        elif not (
            index == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        ):
            problems.append(f"{dotted}: code in __init__ at line {node.lineno}")
    wanted, clashes, shadows = public_names(package)
    for name, module in sorted(wanted.items()):
        if imported.get(name) != f"{dotted}.{module}":
            problems.append(f"{dotted}: does not re-export {module}.{name}")
    for name in sorted(clashes & set(imported)):
        problems.append(f"{dotted}: re-exports {name}, which two modules define")
    for name in sorted(set(imported) - set(wanted) - clashes - shadows):
        problems.append(f"{dotted}: re-exports {name}, which none of its modules defines")
    if sorted(listed) != sorted(imported):
        problems.append(f"{dotted}: __all__ is not the names it imports")
    return problems


def job_packages(root: Path = ROOT) -> list[tuple[Path, str]]:
    return [
        (init.parent, ".".join(init.parent.relative_to(root.parent).parts))
        for init in sorted(root.glob("*/*/__init__.py"))
        if init.parent.name in JOBS
    ]


def test_every_job_package_re_exports_its_modules_and_holds_no_code():
    problems = [p for package, dotted in job_packages() for p in package_problems(package, dotted)]
    assert problems == []


def test_the_check_sees_a_missing_name_code_and_a_clash(tmp_path):
    package = tmp_path / "proj" / "app" / "services"
    package.mkdir(parents=True)
    (package / "homes.py").write_text(
        "import logging\nfrom typing import TypeVar\n\nfrom x import imported\n\n"
        "log = logging.getLogger(__name__)\nT = TypeVar('T')\nLIMIT = 3\nNOT_PERMITTED = 'no'\n"
        "_private = 1\n\n\ndef home_create(): ...\n\n\ndef rooms(): ...\n"
    )
    (package / "rooms.py").write_text("NOT_PERMITTED = 'no'\n\n\nclass Room: ...\n")
    good = (
        '"""Writes."""\n\nfrom proj.app.services.homes import LIMIT, home_create\n'
        "from proj.app.services.rooms import Room\n\n"
        '__all__ = ["LIMIT", "Room", "home_create"]\n'
    )
    (package / "__init__.py").write_text(good)
    assert job_packages(tmp_path / "proj") == [(package, "proj.app.services")]
    assert package_problems(package, "proj.app.services") == []

    # `rooms` is also a module: the package may keep it, but need not.
    (package / "__init__.py").write_text(
        good.replace("LIMIT, home_create", "LIMIT, home_create, rooms")
    )
    assert package_problems(package, "proj.app.services") == [
        "proj.app.services: __all__ is not the names it imports"
    ]

    (package / "__init__.py").write_text(
        "from proj.app.services.homes import LIMIT, imported\n"
        "from proj.app.services.rooms import NOT_PERMITTED\n\n\ndef helper(): ...\n\n\n"
        '__all__ = ["LIMIT", "NOT_PERMITTED", "imported"]\n'
    )
    assert package_problems(package, "proj.app.services") == [
        "proj.app.services: code in __init__ at line 5",
        "proj.app.services: does not re-export rooms.Room",
        "proj.app.services: does not re-export homes.home_create",
        "proj.app.services: re-exports NOT_PERMITTED, which two modules define",
        "proj.app.services: re-exports imported, which none of its modules defines",
    ]

    (package / "__init__.py").write_text(good.replace('"Room", ', ""))
    assert package_problems(package, "proj.app.services") == [
        "proj.app.services: __all__ is not the names it imports"
    ]
