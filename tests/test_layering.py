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


# Apps whose records other apps read only through the app's selectors. Another app may
# import their models for a foreign key, a type hint, an isinstance() test or a serializer's
# Meta.model, but does not query them itself (``Unit.objects…``, ``get_object_or_404(Unit, …)``):
# the owning app's selectors.py says which reads there are and keeps their queries few.
# Demo loaders build fixture data across apps, as the tests' factories do, and are left out.
READ_THROUGH_SELECTORS = ["kaohe.org"]
MANAGERS = {"objects", "_default_manager", "_base_manager"}
GETTERS = {"get_object_or_404", "get_list_or_404"}


def _root_name(node: ast.AST) -> str | None:
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def model_queries(path: Path, name: str | None = None) -> list[str]:
    """Places where ``path`` queries a model of an app in READ_THROUGH_SELECTORS other than its own."""
    module = name or module_name(path)
    source = package_of(module)
    if module.split(".")[-1].startswith("demo"):
        return []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = module.split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    models: dict[str, str] = {}  # local name -> the package whose model it is
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = (
                ".".join(package[: len(package) - node.level + 1] + [node.module or ""]) if node.level else node.module
            )
            owner = package_of(base or "")
            if owner in READ_THROUGH_SELECTORS and owner != source and (base or "").endswith(".models"):
                models.update({alias.asname or alias.name: owner for alias in node.names})
    found = []
    for node in ast.walk(tree):
        model = None
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS:
            model = _root_name(node.value)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in GETTERS and node.args:
            model = _root_name(node.args[0])
        if model in models:
            found.append(f"{name or path.relative_to(ROOT)}:{node.lineno} {source} queries {models[model]}.{model}")
    return sorted(set(found))


def test_other_apps_read_org_through_its_selectors():
    """Units, teams, cadres and seats are read through ``kaohe.org.selectors`` everywhere but in org."""
    assert [line for path in source_files() for line in model_queries(path)] == []


def test_the_selector_check_finds_queries(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from django.shortcuts import get_object_or_404\n"
        "from kaohe.org.models import Cadre, Unit, WorkGroup\n"
        "def f(unit: Unit, pk):\n"
        "    isinstance(unit, Unit)\n"
        "    Unit.objects.filter(is_active=True)\n"
        "    get_object_or_404(Cadre.objects.select_related('unit'), pk=pk)\n"
        "    WorkGroup.units.through.objects.all()\n",
        encoding="utf-8",
    )
    found = model_queries(probe, "kaohe.comments.probe")
    assert [line.split(" queries ")[1] for line in found] == [
        "kaohe.org.Unit",
        "kaohe.org.Cadre",
        "kaohe.org.WorkGroup",
    ]
    assert model_queries(probe, "kaohe.org.probe") == []
    assert model_queries(probe, "kaohe.goals.demo") == []


def readme_layers() -> list[list[str]]:
    """The layers as the README's "How it is built" draws them, bottom first."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("**Layers.**", 1)[1].split("```", 2)[1]
    layers = []
    for line in block.strip().splitlines():
        packages = []
        for word in line.split():
            if word not in SOURCE_DIRS and not word.startswith("kaohe."):
                break
            packages.append(word)
        layers.append(packages)
    return layers[::-1]


def test_the_readme_draws_the_layers_as_they_are():
    """The README's drawing of the layers is this file's LAYERS, line for line."""
    assert readme_layers() == LAYERS


def admin_templates_off_the_generic_base(root: Path = ROOT) -> list[str]:
    """Templates that build an admin screen on Wagtail's bare ``wagtailadmin/base.html``
    instead of its generic base (header, breadcrumbs, ``main_content``)."""
    found = []
    for path in sorted(root.rglob("templates/**/*.html")):
        if ".venv" in path.parts or path.parts[-2:] == ("wagtailadmin", "base.html"):
            continue  # the branding override of Wagtail's base itself
        first = path.read_text(encoding="utf-8").lstrip().split("\n", 1)[0]
        if first.startswith("{% extends") and '"wagtailadmin/base.html"' in first:
            found.append(str(path.relative_to(root)))
    return found


def test_admin_screens_share_wagtails_generic_base():
    """One admin-screen style: every area's screen extends ``wagtailadmin/generic/base.html``
    (directly or through its area's base), as Wagtail's own generic views do."""
    assert admin_templates_off_the_generic_base() == []


def test_the_admin_template_check_finds_the_bare_base(tmp_path):
    screen = tmp_path / "kaohe" / "x" / "templates" / "x" / "screen.html"
    screen.parent.mkdir(parents=True)
    screen.write_text('{% extends "wagtailadmin/base.html" %}\n{% block content %}{% endblock %}\n', encoding="utf-8")
    (screen.parent / "ok.html").write_text('{% extends "wagtailadmin/generic/base.html" %}\n', encoding="utf-8")
    assert admin_templates_off_the_generic_base(tmp_path) == ["kaohe/x/templates/x/screen.html"]
