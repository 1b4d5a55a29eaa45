"""The layers of the code, bottom to top, and the test that keeps imports going down.

A module may import its own package and any package of a lower layer, never one of its
own layer or above. A lower area that must react to a higher one offers a Wagtail hook
or a signal instead (see the README's "How it is built"). Migrations are left out: they
name other apps' models as strings. The README draws the same list.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Bottom first. Packages on one line are siblings: neither imports the other.
LAYERS = [
    ["kaohe.core"],  # roles, rule framework, base admin views, client address, rounding, CJK tokens
    ["kaohe.org"],  # units, teams, cadres, memberships, work groups
    ["kaohe.accounts"],  # users (with their unit and cadre), role groups, sign-in log
    ["kaohe.access"],  # the rights the office sets: who may query and comment on what (SYS-11, CMT-2)
    ["kaohe.goals"],  # goal plans and trees, decomposition, progress
    ["kaohe.comments", "kaohe.evaluation"],  # public supervision; online evaluation
    ["kaohe.cycle"],  # commitments, work records, work reports, inspection, quarterly grades (CYCLE-1..5)
    ["kaohe.scoring"],  # goal scores
    ["kaohe.results"],  # yearly results, grades, analyses
    ["home"],  # Wagtail pages: read the areas through their selectors and hooks
    ["search"],  # site search over pages, units and goals
    ["kaohe.interop"],  # the REST API and backup: reads and writes every area
    ["portal"],  # settings, URLs
]
LAYER_OF = {package: index for index, packages in enumerate(LAYERS) for package in packages}
SOURCE_DIRS = ["kaohe", "home", "search", "portal"]


def package_of(module: str) -> str | None:
    for package in sorted(LAYER_OF, key=len, reverse=True):
        if module == package or module.startswith(package + "."):
            return package
    return None


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, name: str | None = None, *, with_names: bool = False):
    """Every module ``path`` imports, at the top or inside a function, as absolute names;
    ``with_names`` adds ``module.name`` for each name of a ``from module import name``
    (which may be a module itself)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = (name or module_name(path)).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            yield node.lineno, module
            if with_names:
                for alias in node.names:
                    yield node.lineno, f"{module}.{alias.name}"


def source_files():
    for directory in SOURCE_DIRS:
        for path in sorted((ROOT / directory).rglob("*.py")):
            if "migrations" not in path.parts and path != ROOT / "kaohe" / "__init__.py":
                yield path


def test_every_package_is_in_a_layer():
    """Every top-level package of the code has its place in LAYERS (a new app must be placed)."""
    packages = {".".join(p.relative_to(ROOT).parts[:2]) for p in (ROOT / "kaohe").glob("*/__init__.py")}
    packages |= set(SOURCE_DIRS) - {"kaohe"}
    assert sorted(packages - set(LAYER_OF)) == []


def wrong_imports(path: Path, name: str | None = None) -> list[str]:
    source = package_of(name or module_name(path))
    assert source is not None, f"{path} is in no layer"
    wrong = []
    for line, module in imported_modules(path, name):
        target = package_of(module)
        if target is not None and target != source and LAYER_OF[target] >= LAYER_OF[source]:
            wrong.append(f"{name or path.relative_to(ROOT)}:{line} {source} imports {module}")
    return wrong


def test_imports_only_go_down():
    """No module imports a package of its own layer (other than its own) or of a higher one."""
    assert [line for path in source_files() for line in wrong_imports(path)] == []


# Modules that are an app's own screens: another app reaches the app through its
# selectors, services, permissions or hooks, never through these.
SCREEN_MODULES = ("views", "admin_views", "wagtail_hooks")


def screen_module_of(module: str) -> tuple[str, str] | None:
    """(package, screen module) when ``module`` is, or is inside, a package's screen module."""
    package = package_of(module)
    if package is None or module == package:
        return None
    first = module[len(package) + 1 :].split(".")[0]
    return (package, first) if first in SCREEN_MODULES else None


def screen_imports(path: Path, name: str | None = None) -> list[str]:
    source = package_of(name or module_name(path))
    found: dict[int, str] = {}
    for line, module in imported_modules(path, name, with_names=True):
        screen = screen_module_of(module)
        if screen is not None and screen[0] != source and source != "portal" and line not in found:
            found[line] = f"{name or path.relative_to(ROOT)}:{line} {source} imports {'.'.join(screen)}"
    return list(found.values())


def test_no_app_imports_another_apps_screens():
    """An app's views, admin views and Wagtail hooks are its own: other apps read its selectors
    (``portal``'s URLconf alone wires views in)."""
    assert [line for path in source_files() for line in screen_imports(path)] == []


def test_the_screen_check_finds_imports_of_screens(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from kaohe.goals.views.public import can_view_goal\n"
        "from kaohe.goals.selectors import visible_goals\n"
        "from .views import comment_post\n"
        "def f():\n"
        "    from kaohe.org import wagtail_hooks\n",
        encoding="utf-8",
    )
    found = screen_imports(probe, "kaohe.comments.probe")
    assert [line.split(" imports ")[1] for line in found] == ["kaohe.goals.views", "kaohe.org.wagtail_hooks"]


def test_the_check_finds_upward_and_sideways_imports(tmp_path):
    """The check itself works: imports inside functions and relative ones are read too."""
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from ..goals import models\n"
        "def f():\n"
        "    from kaohe.results.models import YearResult\n"
        "    from kaohe.evaluation import tally\n",
        encoding="utf-8",
    )
    found = wrong_imports(probe, "kaohe.comments.probe")
    assert [line.split(" imports ")[1] for line in found] == ["kaohe.results.models", "kaohe.evaluation"]
