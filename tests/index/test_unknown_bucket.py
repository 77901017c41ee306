"""The "Không rõ" bucket (index.facets.UNKNOWN): counts that add up to the total in both scopes, on a real index,
and the spread of carried-out models over provinces."""

from __future__ import annotations

import pytest

from index.facets import UNKNOWN
from index.store import SearchIndex
from index.types import SearchQuery


@pytest.mark.parametrize("scope", ["topic", "all"])
@pytest.mark.parametrize("text", ["", "Bác", "cải cách hành chính"])
@pytest.mark.parametrize("collapse", [False, True])
def test_single_valued_facets_add_up(idx: SearchIndex, scope: str, text: str, collapse: bool) -> None:
    res = idx.search(SearchQuery(text=text, scope=scope, facet_limit=0, per_page=1, collapse=collapse))
    for name in ("province", "province_2025", "year"):
        values = res.facets[name]
        if not collapse:  # articles: every one has exactly one value, "Không rõ" included
            assert sum(v.count for v in values) == res.total, (scope, text, name)
        else:  # stories: one whose copies differ (a dated original, an undated copy) counts under each
            assert sum(v.count for v in values) >= res.total, (scope, text, name)
        for v in values:  # a value's count is the total after selecting it, "Không rõ" included
            narrowed = idx.search(SearchQuery(text=text, scope=scope, filters=((name, (v.value,)),), facets=(),
                                              collapse=collapse))
            assert narrowed.total == v.count, (scope, text, name, v.value)
        assert all(v.value != UNKNOWN for v in values[:-1])  # the bucket comes last


def test_undated_and_unplaced_stories_are_counted(idx: SearchIndex) -> None:
    res = idx.search(SearchQuery(scope="all", facet_limit=0, per_page=1, collapse=False))
    unknown_year = next((v.count for v in res.facets["year"] if v.value == UNKNOWN), 0)
    undated = int((idx.view.dates[idx.view.snap.live] == 0).sum())
    assert unknown_year == undated
    assert idx.facet_value("province", UNKNOWN) == UNKNOWN


def test_spread_leaves_the_unknown_province_out(idx: SearchIndex) -> None:
    spread = idx.spread(SearchQuery(scope="all"), "model", "province")
    assert spread and UNKNOWN not in spread
    assert all(UNKNOWN not in provinces and provinces == sorted(set(provinces), key=provinces.index)
               for provinces in spread.values())


@pytest.mark.parametrize("collapse", [False, True])
@pytest.mark.parametrize("text", ["", "Bác"])
def test_single_valued_counts_equal_the_postings_counts(idx: SearchIndex, collapse: bool, text: str) -> None:
    """Province, year, source count over the matching documents' `value_of` (fast at a million): the same
    counts as over every posting of the facet."""
    view = idx.view
    mask = idx._final(SearchQuery(text=text, scope="all"), view)
    groups, shared = (view.groups, view.shared) if collapse else (None, None)
    for name in ("province", "province_2025", "year", "source"):
        field = view.facet(name)
        assert field.value_of is not None, name
        fast = field.counts(mask, groups, shared)
        saved, field.value_of = field.value_of, None
        try:
            assert field.counts(mask, groups, shared).tolist() == fast.tolist(), name
        finally:
            field.value_of = saved
    assert view.facet("model").value_of is None  # several models per article: counted over its postings
