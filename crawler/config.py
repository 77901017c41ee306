"""The one form of every configuration file: a schema of `key → Key(kind, default, doc)`, validated on load.

A schema is a dict of keys; `validate` checks one TOML table against it and fills in the defaults,
raising the caller's error type with a message that names the file and the key
(`web.toml: per_page: must be at least 1`). The defaults live in the schema and nowhere else; the
docs are tested against the schema (`documented`). Kinds are plain names, converted by `KINDS`;
a caller adds its own (the scheduler's `cron`) through `extra`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from crawler.tomlfile import read_toml

__all__ = ["KINDS", "Key", "defaults", "documented", "parse_duration", "read_toml", "validate"]

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Key:
    """One configurable key: its kind (see `KINDS`), default, one-line meaning, optional lower bound;
    a `required` key has no default and must be given."""

    kind: str
    default: Any
    doc: str
    minimum: float | None = None
    required: bool = False


def parse_duration(value: Any) -> float:
    """Seconds from a number or a string such as "90s", "30m", "2h", "1d", "1h30m"."""
    if isinstance(value, bool):
        raise ValueError("must be a duration")
    if isinstance(value, int | float):
        if value < 0:
            raise ValueError("must not be negative")
        return float(value)
    if isinstance(value, str):
        parts = re.findall(r"(\d+(?:\.\d+)?)\s*([smhd])", value.strip().lower())
        rebuilt = "".join(f"{n}{u}" for n, u in parts)
        if parts and rebuilt == re.sub(r"\s+", "", value.strip().lower()):
            return sum(float(n) * _UNITS[u] for n, u in parts)
    raise ValueError('must be a duration: seconds or a string such as "30m", "2h", "1d"')


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("must be a string")
    return value


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("must be a non-negative integer")
    return value


def _float(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ValueError("must be a non-negative number")
    return float(value)


def _strings(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("must be a list of strings")
    return list(value)


def _str_or_strings(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else _strings(value)


def _words(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError("must be a list of non-empty strings")
    return list(value)


def _regexes(value: Any) -> list[str]:
    patterns = _str_or_strings(value)
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"bad regex {pattern!r}: {exc}") from None
    return patterns


def _table(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError("must be a table")
    return value


def _tables(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ValueError("must be an array of tables")
    return list(value)


def _tz(value: Any) -> str:
    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r}") from None
    return str(value)


def _url(value: Any) -> str:
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        raise ValueError(f"must start with http:// or https://, not {value!r}")
    return value


#: kind → converter (raises ValueError with the problem, the caller adds file and key).
KINDS: dict[str, Callable[[Any], Any]] = {
    "str": _str, "bool": _bool, "int": _int, "float": _float, "duration": parse_duration, "tz": _tz, "url": _url,
    "strings": _strings,  # a list of strings
    "str_or_list": _str_or_strings,  # one string or a list of them (a list either way)
    "words": _words,  # a list of non-empty strings
    "regexes": _regexes,  # one regex or a list of them, each compiled once to check it
    "table": _table,  # a sub-table, validated against its own schema by the caller
    "tables": _tables,  # an array of tables ([[name]])
}


def defaults(schema: Mapping[str, Key]) -> dict[str, Any]:
    """Every key at its default value (durations in seconds); required keys are left out."""
    return {key: parse_duration(k.default) if k.kind == "duration" and k.default is not None else k.default
            for key, k in schema.items() if not k.required}


def validate(raw: Any, schema: Mapping[str, Key], *, where: str, name: str = "", error: type[Exception] = ValueError,
             extra: Mapping[str, Callable[[Any], Any]] | None = None) -> dict[str, Any]:
    """The table `raw` checked against `schema`, defaults filled in; `error("where: name.key: problem")`."""
    kinds = {**KINDS, **(extra or {})}
    prefix = f"{name}." if name else ""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise error(f"{where}: {name or 'file'}: must be a table")
    values = defaults(schema)
    for key, value in raw.items():
        if key not in schema:
            raise error(f"{where}: {prefix}{key}: unknown key (known: {', '.join(sorted(schema))})")
        spec = schema[key]
        try:
            values[key] = kinds[spec.kind](value)
        except ValueError as exc:
            raise error(f"{where}: {prefix}{key}: {exc}") from None
        if spec.minimum is not None and values[key] < spec.minimum:
            raise error(f"{where}: {prefix}{key}: must be at least {spec.minimum:g}")
    for key, spec in schema.items():
        if spec.required and key not in values:
            raise error(f"{where}: {prefix}{key}: missing required key")
    return values


def documented(sections: Mapping[str, Mapping[str, Key]]) -> list[str]:
    """Every key as documentation names it: `section.key` (`sections.<id>.key` for a `sections.*` table),
    or just `key` for the section named ""."""
    return [f"{section.replace('*', '<id>')}.{key}" if section else key
            for section, keys in sections.items() for key in keys]
