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
    ["kaohe.goals"],  # goal plans and trees, decomposition, progress
    ["kaohe.comments", "kaohe.evaluation"],  # public supervision; online evaluation
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


def imported_modules(path: Path, name: str | None = None):
    """Every module ``path`` imports, at the top or inside a function, as absolute names."""
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
                yield node.lineno, ".".join(base + ([node.module] if node.module else []))
            else:
                yield node.lineno, node.module or ""


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
