"""The one config form, documented: every key of the site registry's schema (docs/add-a-site.md) and of
the NLP lexicons' schemas (docs/nlp-data.md) is in its document with its kind and default, and the
document names no other key (the web settings and the scheduler have their own tests of the same kind).
Then each loader's own checks: defaults from the schema, bad keys named with their file."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from crawler.config import Key, documented
from crawler.sites import SCHEMA as SITES
from crawler.sites import SiteConfigError, load_sites
from nlp._data import DOCUMENTED as NLP_DATA
from nlp._data import SCHEMAS, DataError, load_toml, parse_toml

ROOT = Path(__file__).resolve().parents[1]
ROW = re.compile(r"^\| `([a-z_<>\[\].]+)` \| (\w+) \| (`[^`]*`|—) \|", re.M)
DOCS: dict[str, dict[str, dict[str, Key]]] = {"add-a-site.md": SITES, "nlp-data.md": NLP_DATA}
KEYS = [(doc, key) for doc, sections in DOCS.items() for key in documented(sections)]


def rows(doc: str) -> dict[str, tuple[str, str]]:
    text = (ROOT / "docs" / doc).read_text(encoding="utf-8")
    return {key: (kind, shown) for key, kind, shown in ROW.findall(text)}


@pytest.mark.parametrize("doc", sorted(DOCS))
def test_the_documented_keys_are_the_schema_keys(doc: str) -> None:
    assert set(rows(doc)) == set(documented(DOCS[doc])), f"docs/{doc} and the schema differ"


@pytest.mark.parametrize(("doc", "key"), KEYS)
def test_every_key_is_documented_with_its_kind_and_default(doc: str, key: str) -> None:
    kind, shown = rows(doc)[key]
    table, name = key.replace("<id>", "*").rsplit(".", 1)
    spec = DOCS[doc][table][name]
    assert kind == spec.kind, key
    value = None if shown == "—" else tomllib.loads(f"v = {shown.strip('`')}")["v"]
    assert value == (None if spec.required else spec.default), key


def test_site_defaults_live_in_the_schema(tmp_path: Path) -> None:
    path = tmp_path / "sites.toml"
    path.write_text('[sites.x]\nname = "X"\ndomains = "x.vn"\narticle_patterns = "a"\n', encoding="utf-8")
    site = load_sites(path)["x"]
    assert site.domains == ("x.vn",) and site.article_patterns == ("a",)
    assert site.politeness.delay == SITES["sites.*.politeness"]["delay"].default
    assert site.discovery.max_depth == SITES["sites.*.discovery"]["max_depth"].default
    assert site.checked is False and site.selectors.drop == ()


def test_a_site_error_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "other.toml"
    path.write_text('[sites.x]\nname = "X"\ndomains = []\narticle_patterns = "a"\nbase_url = "ftp://x"\n',
                    encoding="utf-8")
    with pytest.raises(SiteConfigError, match=r"^other\.toml: sites\.x\.base_url: must start with http"):
        load_sites(path)


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_the_bundled_lexicons_pass_and_name_only_schema_keys(name: str) -> None:
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
def test_a_bad_lexicon_key_is_named_with_its_file(name: str, text: str, named: str) -> None:
    with pytest.raises(DataError, match=re.escape(named)):
        parse_toml(name, text)


def test_a_known_model_entry_gets_its_defaults_and_checks() -> None:
    base = (ROOT / "nlp" / "data" / "models.toml").read_text(encoding="utf-8")
    data = parse_toml("models.toml", base)
    assert all(isinstance(entry["match"], bool) for entry in data["known"])
    with pytest.raises(DataError, match=re.escape("nlp/data/models.toml: known[0].nam: unknown key")):
        parse_toml("models.toml", base.replace("[[known]]\nname =", "[[known]]\nnam =", 1))
