"""Loading of the data files in nlp/data/ (CSV and TOML), validated with messages naming the bad key."""

from __future__ import annotations

import csv
import tomllib
from importlib import resources
from typing import Any

__all__ = ["DataError", "load_csv", "load_toml", "require"]


class DataError(ValueError):
    """A data file in nlp/data/ is malformed; the message names the file and the bad key."""


def _read(name: str) -> str:
    try:
        return resources.files("nlp").joinpath("data", name).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise DataError(f"nlp/data/{name}: file is missing") from exc


def load_csv(name: str, columns: tuple[str, ...]) -> list[dict[str, str]]:
    """Rows of nlp/data/NAME as dicts; every listed column must exist and be non-empty."""
    rows = list(csv.DictReader(line for line in _read(name).splitlines() if not line.startswith("#")))
    if rows:
        missing = [c for c in columns if c not in rows[0]]
        if missing:
            raise DataError(f"nlp/data/{name}: missing column(s) {missing}")
    for i, row in enumerate(rows, start=2):
        for c in columns:
            if not (row.get(c) or "").strip():
                raise DataError(f"nlp/data/{name}: line {i}: column {c!r} is empty")
    return rows


def load_toml(name: str) -> dict[str, Any]:
    """The parsed nlp/data/NAME."""
    try:
        return tomllib.loads(_read(name))
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"nlp/data/{name}: {exc}") from exc


def require(data: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    """data[key], checked to be of the given type; the error names WHERE and KEY."""
    if key not in data:
        raise DataError(f"{where}: key {key!r} is missing")
    value = data[key]
    if not isinstance(value, kind):
        raise DataError(f"{where}: key {key!r} must be {kind}, not {type(value).__name__}")
    return value
