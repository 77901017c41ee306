"""The JSON API: same parameters as the search page, JSON errors, the OpenAPI file."""

from __future__ import annotations

import csv
import io

from flask.testing import FlaskClient

from crawler.article import Article
from index.types import FACETS


def test_search_shape(client: FlaskClient) -> None:
    data = client.get("/api/search", query_string={"q": "Bác", "per_page": 5}).get_json()
    assert set(data) >= {"total", "hits", "facets"}
    assert len(data["hits"]) == 5 and data["total"] >= 5
    assert set(data["hits"][0]) >= {"id", "url", "title", "source", "province", "published", "snippet"}
    assert set(data["facets"]) >= set(FACETS)
    assert all(set(v) == {"value", "count"} for v in data["facets"]["province"])


def test_multi_select_is_or_within_a_facet(client: FlaskClient) -> None:
    one = client.get("/api/search", query_string={"province": "Hà Nội"}).get_json()["total"]
    two = client.get("/api/search", query_string=[("province", "Hà Nội"), ("province", "Nghệ An")]).get_json()
    assert two["total"] > one
    assert {h["province"] for h in two["hits"]} <= {"Hà Nội", "Nghệ An"}


def test_date_range_and_sort(client: FlaskClient) -> None:
    data = client.get("/api/search", query_string={"date_from": "2017-01-01", "date_to": "2017-12-31",
                                                   "sort": "oldest", "per_page": 50}).get_json()
    dates = [h["published"][:10] for h in data["hits"]]
    assert dates and all("2017-01-01" <= d <= "2017-12-31" for d in dates)
    assert dates == sorted(dates)


def test_article(client: FlaskClient, articles: list[Article]) -> None:
    art = next(a for a in articles if a.source == "baohoabinh")
    data = client.get(f"/api/articles/{art.id}").get_json()
    assert data["title"] == art.title and data["enrichment"]["province"] == "Hòa Bình"
    assert "related" in data and "republications" in data
    assert client.get("/api/articles/ffffffffffffffff").status_code == 404
    assert client.get("/api/articles/ffffffffffffffff").get_json()["error"]["status"] == 404


def test_republication_is_listed(client: FlaskClient, articles: list[Article]) -> None:
    copy = next(a for a in articles if a.republication_of)
    data = client.get(f"/api/articles/{copy.republication_of}").get_json()
    ids = {h["id"] for h in data["republications"]}
    assert copy.id in ids


def test_facets_models_provinces(client: FlaskClient) -> None:
    facets = client.get("/api/facets", query_string=[("facet", "year"), ("facet", "month")]).get_json()
    assert set(facets["facets"]) == {"year", "month"} and facets["facets"]["year"]
    assert client.get("/api/facets", query_string={"facet": "colour"}).status_code == 400
    models = client.get("/api/models").get_json()
    names = {m["name"] for m in models["models"]}
    assert "Một cửa" in names
    one = next(m for m in models["models"] if m["name"] == "Một cửa")
    assert one["first_seen"] and one["provinces"][0]["value"] == "Hòa Bình"
    prov = client.get("/api/provinces", query_string={"era": "2025"}).get_json()
    assert len(prov["rows"]) >= 34 and prov["era"] == "2025"
    assert "Cà Mau" in prov["provinces_without_articles"]


def test_errors_are_json(client: FlaskClient) -> None:
    for params in ({"page": "-1"}, {"per_page": "100000"}, {"unknown": "1"}, {"q": "á" * 2000}):
        res = client.get("/api/search", query_string=params)
        assert res.status_code == 400 and res.is_json, params
        assert res.get_json()["error"]["message"]
    res = client.get("/api/nothing-here")
    assert res.status_code == 404 and res.is_json


def test_openapi_file(client: FlaskClient) -> None:
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    for path in ("/api/search", "/api/articles/{id}", "/api/facets", "/api/models", "/api/provinces"):
        assert path in spec["paths"]
    names = {p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert names >= {"q", "page", "per_page", "sort", "date_from", "date_to", *FACETS}


def test_documented_errors_are_the_errors_served(client: FlaskClient) -> None:
    # /export.json answered a bad parameter with an HTML page, while the spec promised JSON; a misspelt
    # province (404) was not documented at all.
    spec = client.get("/api/openapi.json").get_json()
    paths = [p for p in spec["paths"] if "{" not in p]
    assert {"/api/search", "/export.json", "/feed"} <= set(paths)
    for path in paths:
        documented = spec["paths"][path]["get"]["responses"]
        for params, status in (({"province": "Atlantis"}, 404), ({"sort": "cũ"}, 400)):
            res = client.get(path, query_string=params)
            assert res.status_code == status, (path, params)
            assert res.mimetype in documented[str(status)]["content"], (path, status, res.mimetype)
            if res.mimetype == "application/json":
                assert res.get_json()["error"]["status"] == status


def test_the_models_api_counts_every_model_and_pages_through_them(client: FlaskClient) -> None:
    # It returned the first 50 models with "total": 50, whatever the catalogue held.
    catalogue = client.get("/models.csv", query_string={"scope": "all"}).get_data(as_text=True)
    every = [row[0] for row in list(csv.reader(io.StringIO(catalogue.lstrip("\ufeff")), delimiter=";"))[1:]]
    first = client.get("/api/models", query_string={"scope": "all", "per_page": 3}).get_json()
    assert first["total"] == len(every) > 3 and first["pages"] == -(-len(every) // 3)
    seen = [m["name"] for page in range(1, first["pages"] + 2)
            for m in client.get("/api/models", query_string={"scope": "all", "per_page": 3, "page": page})
            .get_json()["models"]]
    assert seen == every  # each once, in the catalogue's order; the page past the last is empty
    named = client.get("/api/models", query_string={"scope": "all", "name": every[0][:4], "order": "name"})
    assert named.status_code == 200 and every[0] in {m["name"] for m in named.get_json()["models"]}
