"""Loading of the data files in nlp/data/ (CSV and TOML), validated with messages naming the file and key.

The TOML files are in the one config form of every configuration file (`crawler.config`): a schema of
`key → Key(kind, default, doc)` per file (`SCHEMAS`), checked on load, defaults filled in from the
schema; docs/nlp-data.md documents every key (tests/test_config_docs.py checks both ways).
"""

from __future__ import annotations

import csv
import tomllib
from importlib import resources
from typing import Any

from crawler.config import Key, validate

__all__ = ["DataError", "SCHEMAS", "load_csv", "load_toml", "require"]


class DataError(ValueError):
    """A data file in nlp/data/ is malformed; the message names the file and the bad key."""


def _windows(value: Any) -> dict[str, int]:
    if not isinstance(value, dict) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value.values()):
        raise ValueError("must be a table of phrase = integer")
    return value


def _weights(value: Any) -> dict[str, dict[str, float]]:
    if not isinstance(value, dict):
        raise ValueError("must be a table of [themes.<name>] tables")
    for theme, terms in value.items():
        if not isinstance(terms, dict) or not terms:
            raise ValueError(f"{theme!r} must be a non-empty table of term = weight")
        for term, weight in terms.items():
            if isinstance(weight, bool) or not isinstance(weight, int | float) or weight <= 0:
                raise ValueError(f"{theme!r}.{term!r}: weight must be a positive number")
    return value


_KINDS = {"windows": _windows, "weights": _weights}


def _words(doc: str) -> Key:
    return Key("words", None, doc, required=True)


#: nlp/data/models.toml (nlp.models): trigger windows, stop lists and the nationally known models.
MODELS: dict[str, Key] = {
    "triggers": Key("windows", None, "trigger phrase → words allowed between it and a quoted name (-1: never)",
                    required=True),
    "unquoted": _words("triggers whose unquoted continuation may be a name"),
    "unquoted_lowercase": _words("of those, the ones whose unquoted name may be lowercase"),
    "lowercase_openers": _words("lowercase openers that still make a movement's name"),
    "list_stop": _words("words that cannot start an item of a list of names"),
    "work_themes": _words("directive verbs that make a quote after 'chủ đề' a yearly work theme"),
    "capital_only": _words("weak triggers whose quoted name must start with a capital"),
    "stop_words": _words("words that end an unquoted name"),
    "stop_bigrams": _words("two-word verbs that end an unquoted name"),
    "plural": _words("words before a trigger that make it a plural or generic reference"),
    "generic": _words("words of which an all-generic lowercase name is made"),
    "bad_first": _words("first words that never start an unquoted name"),
    "attribution": _words("phrases after a quote that make it a saying, not a model"),
    "known": Key("tables", [], "nationally known models matched wherever named ([[known]], keys `known[].*`)"),
}
#: One [[known]] entry of models.toml.
KNOWN: dict[str, Key] = {
    "name": Key("str", None, "the model's canonical name", required=True),
    "aliases": _words("short and long forms grouped under the name"),
    "match": Key("bool", True, "look for the aliases in the text (false: only group them)"),
}
#: nlp/data/names.toml (nlp.names): the person-name lexicon.
NAMES: dict[str, Key] = {
    "surnames": _words("family names"),
    "weak_surnames": _words("family names that are also everyday words or place syllables"),
    "org_surnames": _words("family names that also start names of bodies or places"),
    "middle": _words("common middle names"),
    "not_persons": _words("people who are the topic itself, not someone named in the article"),
    "namesakes": _words("historical figures whose names are given to streets, schools and awards"),
    "countries": _words("country names that stand between a title and a foreign name"),
    "honorifics": _words("words that introduce a person"),
    "positions": _words("positions that may stand right before a name"),
}
#: nlp/data/themes.toml (nlp.themes): the weighted theme lexicon.
THEMES: dict[str, Key] = {
    "threshold": Key("float", None, "summed weight a theme needs", required=True),
    "relative": Key("float", 0.0, "share of the strongest theme's score a theme also needs"),
    "themes": Key("weights", None, "[themes.<name>] tables of term = weight (positive)", required=True),
}
#: file → schema; `DOCUMENTED` names the tables as docs/nlp-data.md does.
SCHEMAS: dict[str, dict[str, Key]] = {"models.toml": MODELS, "names.toml": NAMES, "themes.toml": THEMES}
DOCUMENTED: dict[str, dict[str, Key]] = {"models": MODELS, "models.known[]": KNOWN, "names": NAMES,
                                         "themes": THEMES}


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


def parse_toml(name: str, text: str) -> dict[str, Any]:
    """nlp/data/NAME's text parsed and checked against its schema in `SCHEMAS`, defaults filled in."""
    where = f"nlp/data/{name}"
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"{where}: {exc}") from exc
    if name not in SCHEMAS:
        return raw
    data = validate(raw, SCHEMAS[name], where=where, error=DataError, extra=_KINDS)
    if "known" in data:
        data["known"] = [validate(entry, KNOWN, where=where, name=f"known[{i}]", error=DataError)
                         for i, entry in enumerate(data["known"])]
    return data


def load_toml(name: str) -> dict[str, Any]:
    """The parsed and validated nlp/data/NAME."""
    return parse_toml(name, _read(name))


def require(data: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    """data[key], checked to be of the given type; the error names WHERE and KEY."""
    if key not in data:
        raise DataError(f"{where}: key {key!r} is missing")
    value = data[key]
    if not isinstance(value, kind):
        raise DataError(f"{where}: key {key!r} must be {kind}, not {type(value).__name__}")
    return value
