"""Facets are declared once (index.facetdefs.FACET_DEFS): the schema's fields, the shown facets, the
query prefixes, the labels, the chips and the help page's prefix table all come from that table."""

from __future__ import annotations

import pytest

from crawler.article import Article, Enrichment
from index.facetdefs import FACET_DEFS, by_name
from index.query import FACET_PREFIX, Facet, parse
from index.schema import FACET_FIELDS, article_to_doc
from index.types import FACETS
from webui.chips import CHIP_LABELS
from webui.helpers import FACET_LABELS
from webui.params import FILTERS

PREFIXED = [(p, f.name) for f in FACET_DEFS for p in f.prefixes]


def test_every_list_of_facets_is_read_from_the_registry() -> None:
    assert FACET_FIELDS == tuple(f.name for f in FACET_DEFS)
    assert FACETS == tuple(f.name for f in FACET_DEFS if f.shown)
    assert set(FILTERS) == {f.name for f in FACET_DEFS if f.url_filter}
    assert FACET_PREFIX == dict(PREFIXED)
    assert FACET_LABELS == {f.name: f.label for f in FACET_DEFS if f.label}
    assert CHIP_LABELS == {f.name: f.chip for f in FACET_DEFS if f.chip}


def test_every_shown_facet_has_a_label_and_a_vietnamese_prefix() -> None:
    for name in FACETS:
        facet = by_name(name)
        assert facet.label and facet.prefixes and facet.help, name
        assert facet.prefixes[0].isascii() and facet.prefixes[-1] == name, name


def test_every_facet_a_url_may_filter_on_has_a_vietnamese_label() -> None:
    # A 404 for an unknown value and a feed's title name the filter: "model_done" is not for users.
    for facet in FACET_DEFS:
        if facet.url_filter:
            assert facet.label and "_" not in facet.label, facet.name


@pytest.mark.parametrize(("prefix", "name"), PREFIXED)
def test_every_prefix_parses_to_its_facet(prefix: str, name: str) -> None:
    assert parse(f'{prefix}:"Nghệ An"').node == Facet(name, "Nghệ An")


def test_the_document_has_one_field_per_facet() -> None:
    article = Article(url="https://x.vn/1.html", source="x", title="T", body="Nội dung", published="2020-05-01",
                      source_province="Nghệ An", enrichment=Enrichment(themes=["chuyển đổi số"]))
    doc = article_to_doc(article)
    assert {name: doc[name] for name in ("province", "year", "month", "source", "theme", "model")} == {
        "province": "Nghệ An", "year": "2020", "month": "2020-05", "source": "x", "theme": "chuyển đổi số",
        "model": ""}


def test_the_help_page_lists_every_prefix() -> None:
    from webui import create_app

    page = create_app({"TESTING": True}).test_client().get("/help").get_data(as_text=True)
    for prefix, _ in PREFIXED:
        assert f"<code>{prefix}:</code>" in page, prefix
