"""The NLP lexicons in the one config form: every key of `nlp._data.SCHEMAS` is documented in
docs/nlp-data.md with its kind and default, the bundled files pass, and a bad key is named with its file."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from crawler.config import documented
from nlp._data import DOCUMENTED, SCHEMAS, DataError, load_toml, parse_toml

ROOT = Path(__file__).resolve().parents[2]
ROW = re.compile(r"^\| `([a-z_\[\].]+)` \| (\w+) \| (`[^`]*`|—) \|", re.M)


def _rows() -> dict[str, tuple[str, str]]:
    doc = (ROOT / "docs" / "nlp-data.md").read_text(encoding="utf-8")
    return {key: (kind, shown) for key, kind, shown in ROW.findall(doc)}


def test_the_documented_keys_are_the_schema_keys() -> None:
    assert set(_rows()) == set(documented(DOCUMENTED)), "docs/nlp-data.md and nlp._data schemas differ"


@pytest.mark.parametrize("key", documented(DOCUMENTED))
def test_every_key_is_documented_with_its_kind_and_default(key: str) -> None:
    kind, shown = _rows()[key]
    table, name = key.rsplit(".", 1)
    spec = DOCUMENTED[table][name]
    assert kind == spec.kind, key
    value = None if shown == "—" else tomllib.loads(f"v = {shown.strip('`')}")["v"]
    assert value == (None if spec.required else spec.default), key


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_the_bundled_files_pass_and_name_only_schema_keys(name: str) -> None:
    raw = tomllib.loads((ROOT / "nlp" / "data" / name).read_text(encoding="utf-8"))
    assert set(raw) <= set(SCHEMAS[name])
    assert set(load_toml(name)) == set(SCHEMAS[name])


@pytest.mark.parametrize(("name", "text", "named"), [
    ("themes.toml", 'threshold = 4.0\ntheme = 1\n[themes.a]\n"x" = 1.0\n', "nlp/data/themes.toml: theme: unknown key"),
    ("themes.toml", '[themes.a]\n"x" = 1.0\n', "nlp/data/themes.toml: threshold: missing required key"),
    ("themes.toml", 'threshold = 4.0\n[themes.a]\n"x" = 0\n', "nlp/data/themes.toml: themes: 'a'.'x': weight must be"),
    ("names.toml", 'surnames = ["Lê", ""]\n', "nlp/data/names.toml: surnames: must be a list of non-empty strings"),
    ("models.toml", '[triggers]\n"mô hình" = "8"\n', "nlp/data/models.toml: triggers: must be a table of phrase"),
])
def test_a_bad_key_is_named_with_its_file(name: str, text: str, named: str) -> None:
    with pytest.raises(DataError, match=re.escape(named)):
        parse_toml(name, text)


def test_a_known_model_entry_gets_its_defaults_and_checks() -> None:
    base = (ROOT / "nlp" / "data" / "models.toml").read_text(encoding="utf-8")
    data = parse_toml("models.toml", base)
    assert all(isinstance(entry["match"], bool) for entry in data["known"])
    with pytest.raises(DataError, match=re.escape("nlp/data/models.toml: known[0].nam: unknown key")):
        parse_toml("models.toml", base.replace("[[known]]\nname =", "[[known]]\nnam =", 1))
