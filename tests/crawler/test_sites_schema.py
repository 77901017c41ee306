"""The site registry in the one config form: every key of `crawler.sites.SCHEMA` is documented in
docs/add-a-site.md with its kind and default, and the document names no other key."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from crawler.config import documented
from crawler.sites import SCHEMA, SiteConfigError, load_sites

ROOT = Path(__file__).resolve().parents[2]
ROW = re.compile(r"^\| `(sites\.[a-z_<>.]+)` \| (\w+) \| (`[^`]*`|—) \|", re.M)


def _rows() -> dict[str, tuple[str, str]]:
    doc = (ROOT / "docs" / "add-a-site.md").read_text(encoding="utf-8")
    return {key: (kind, shown) for key, kind, shown in ROW.findall(doc)}


def test_the_documented_keys_are_the_schema_keys() -> None:
    assert set(_rows()) == set(documented(SCHEMA)), "docs/add-a-site.md key table and crawler.sites.SCHEMA differ"


@pytest.mark.parametrize("key", documented(SCHEMA))
def test_every_key_is_documented_with_its_kind_and_default(key: str) -> None:
    kind, shown = _rows()[key]
    table, name = key.replace("<id>", "*").rsplit(".", 1)
    spec = SCHEMA[table][name]
    assert kind == spec.kind, key
    value = None if shown == "—" else tomllib.loads(f"v = {shown.strip('`')}")["v"]
    assert value == (None if spec.required else spec.default), key


def test_the_defaults_live_in_the_schema(tmp_path: Path) -> None:
    path = tmp_path / "sites.toml"
    path.write_text('[sites.x]\nname = "X"\ndomains = "x.vn"\narticle_patterns = "a"\n', encoding="utf-8")
    site = load_sites(path)["x"]
    assert site.domains == ("x.vn",) and site.article_patterns == ("a",)
    assert site.politeness.delay == SCHEMA["sites.*.politeness"]["delay"].default
    assert site.discovery.max_depth == SCHEMA["sites.*.discovery"]["max_depth"].default
    assert site.checked is False and site.selectors.drop == ()


def test_an_error_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "other.toml"
    path.write_text('[sites.x]\nname = "X"\ndomains = []\narticle_patterns = "a"\nbase_url = "ftp://x"\n',
                    encoding="utf-8")
    with pytest.raises(SiteConfigError, match=r"^other\.toml: sites\.x\.base_url: must start with http"):
        load_sites(path)
