"""Dependencies run one way: crawler ← nlp ← index ← pipeline ← webui. No package reaches one to its
right, by import, by `python -m`, by a `-c` code string or by a child command line; the offline mirror
(`demo/`) imports none of them and only webui starts it. Every module stays small (about 400 lines)."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ORDER = ["crawler", "nlp", "index", "pipeline", "webui"]
PACKAGES = [*ORDER, "demo"]
MAX_LINES = 400
#: An import statement inside a code string (`python -c "from x import y; ..."`).
CODE_IMPORT = re.compile(r"(?:^|[;\n])\s*(?:from\s+([A-Za-z_]\w*)[\w.]*\s+import\b|import\s+([A-Za-z_]\w*))")
#: `-m package.module` inside one string (a shell command line).
DASH_M = re.compile(r"(?:^|\s)-m\s+([A-Za-z_]\w*)")
SCRIPTS = {"ct05": "webui"}  # console scripts and the package behind each


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def _strings_of_command(node: ast.List | ast.Tuple) -> set[str]:
    """Packages a command line in a list names: `-m pkg`, `-c "code"`, or a console script first."""
    items = [e.value if isinstance(e, ast.Constant) and isinstance(e.value, str) else None for e in node.elts]
    names: set[str] = set()
    for flag, value in zip(items, items[1:], strict=False):
        if flag == "-m" and value:
            names.add(value.split(".")[0])
        elif flag == "-c" and value:
            names.update(a or b for a, b in CODE_IMPORT.findall(value))
    if items and items[0] in SCRIPTS:
        names.add(SCRIPTS[items[0]])
    return names


def referenced_packages(source: str) -> set[str]:
    """Top-level names a module imports or starts: imports, `-m`/`-c` arguments, code strings."""
    tree = ast.parse(source)
    docs = _docstrings(tree)
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
        elif isinstance(node, ast.List | ast.Tuple):
            names |= _strings_of_command(node)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            names.update(a or b for a, b in CODE_IMPORT.findall(node.value))
            names.update(DASH_M.findall(node.value))
    return names


def modules(package: str) -> list[Path]:
    return [p for p in sorted((ROOT / package).rglob("*.py")) if "demo/site" not in p.as_posix()]


def test_the_check_sees_every_way_up() -> None:
    code = '''
import sys
CODE = "from webui.cli import main; main()"
a = [sys.executable, "-m", "pipeline.steps", "index"]
b = [sys.executable, "-c", "import index.sync; index.sync.main()"]
c = ["ct05", "process"]
d = "python -m nlp.tool --x"
'''
    assert {"webui", "pipeline", "index", "nlp"} <= referenced_packages(code)
    assert "webui" not in referenced_packages('"""Run `from webui.cli import main` by hand."""\n')


@pytest.mark.parametrize("package", ORDER)
def test_no_package_reaches_one_to_its_right(package: str) -> None:
    forbidden = set(ORDER[ORDER.index(package) + 1:]) | ({"demo"} if package != "webui" else set())
    bad = {str(p.relative_to(ROOT)): sorted(referenced_packages(p.read_text(encoding="utf-8")) & forbidden)
           for p in modules(package)}
    assert not {k: v for k, v in bad.items() if v}


def test_the_demo_mirror_stands_alone() -> None:
    bad = {str(p.relative_to(ROOT)): sorted(referenced_packages(p.read_text(encoding="utf-8")) & set(ORDER))
           for p in modules("demo")}
    assert not {k: v for k, v in bad.items() if v}


@pytest.mark.parametrize("package", PACKAGES)
def test_modules_stay_small(package: str) -> None:
    big = {str(p.relative_to(ROOT)): n for p in modules(package)
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not big


def test_lower_layers_never_name_the_web_ui() -> None:
    """The issue's own check, `grep -rn webui crawler nlp index pipeline`: not even a comment or a
    docstring below the web layer names it (a name in prose is how an upward dependency starts)."""
    hits = [f"{path.relative_to(ROOT)}:{n}" for package in ("crawler", "nlp", "index", "pipeline")
            for path in sorted((ROOT / package).rglob("*")) if path.is_file() and path.suffix in (".py", ".toml", ".md")
            for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
            if "webui" in line]
    assert hits == []
