"""Dependencies run one way: crawler ← nlp ← index ← webui. No package imports one to its right,
and every module stays small (about 400 lines at most)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ORDER = ["crawler", "nlp", "index", "webui"]
MAX_LINES = 420


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def modules(package: str) -> list[Path]:
    return [p for p in sorted((ROOT / package).rglob("*.py")) if "mirror/site" not in p.as_posix()]


@pytest.mark.parametrize("package", ORDER)
def test_no_package_imports_one_to_its_right(package: str) -> None:
    forbidden = set(ORDER[ORDER.index(package) + 1:])
    bad = {str(p.relative_to(ROOT)): sorted(imported_packages(p) & forbidden) for p in modules(package)}
    assert not {k: v for k, v in bad.items() if v}


@pytest.mark.parametrize("package", ORDER)
def test_modules_stay_small(package: str) -> None:
    big = {str(p.relative_to(ROOT)): n for p in modules(package)
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not big
