"""The search page: results, facets in the URL, highlighted snippets, chart, pagination, escaping."""

from __future__ import annotations

from flask.testing import FlaskClient

from crawler.article import Article


def test_empty_query_lists_everything_newest_first(client: FlaskClient, articles: list[Article]) -> None:
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'lang="vi"' in html and "Tìm kiếm" in html
    data = client.get("/api/search").get_json()
    dated = [h["published"] for h in data["hits"] if h["published"]]
    assert dated == sorted(dated, reverse=True)


def test_query_highlights_and_escapes(client: FlaskClient) -> None:
    html = client.get("/search", query_string={"q": "làm theo Bác"}).get_data(as_text=True)
    assert "<mark>" in html
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html


def test_facet_selection_is_in_the_url_and_narrows(client: FlaskClient) -> None:
    everything = client.get("/api/search").get_json()["total"]
    html = client.get("/search", query_string={"province": "Hà Nội"}).get_data(as_text=True)
    assert 'class="facet-value on"' in html and "Đang chọn (bấm để bỏ)" in html  # no aria-pressed on a link
    narrowed = client.get("/api/search", query_string={"province": "Hà Nội"}).get_json()
    assert 0 < narrowed["total"] < everything
    assert all(h["province"] == "Hà Nội" for h in narrowed["hits"])



def test_a_filter_value_in_the_old_tone_placement_is_the_archives_value(client: FlaskClient) -> None:
    exact = client.get("/api/search", query_string={"province": "Thanh Hóa", "scope": "all"}).get_json()
    old = client.get("/api/search", query_string={"province": "Thanh Hoá", "scope": "all"}).get_json()
    assert old["total"] == exact["total"] > 0
    html = client.get("/search", query_string={"province": "thanh hoá", "scope": "all"}).get_data(as_text=True)
    assert 'class="facet-value on"' in html and "Thanh Hóa" in html  # the value shows as selected
    page = client.get("/provinces/Thanh Hoá")
    assert page.status_code == 302 and page.headers["Location"].endswith("/provinces/Thanh%20H%C3%B3a")
    assert client.get("/search", query_string={"province": "Thanh Hoa"}).status_code == 404

def test_month_chart_marks_milestones(client: FlaskClient) -> None:
    html = client.get("/search").get_data(as_text=True)
    assert '<svg class="chart"' in html
    assert "Kết luận 01-KL/TW" in html
    assert "19/5" in html


def test_bad_parameters_are_a_vietnamese_400(client: FlaskClient) -> None:
    for params in ({"page": "-1"}, {"page": "abc"}, {"colour": "đỏ"}, {"q": "x" * 5000}, {"sort": "bogus"},
                   {"date_from": "2021-13-45"}, {"year": "20x1"}):
        page = client.get("/search", query_string=params)
        assert page.status_code == 400, params
        assert "Yêu cầu không hợp lệ" in page.get_data(as_text=True)
        assert "Traceback" not in page.get_data(as_text=True)


def test_security_headers(client: FlaskClient) -> None:
    page = client.get("/")
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert page.headers["X-Content-Type-Options"] == "nosniff"


def test_help_page(client: FlaskClient) -> None:
    assert "Cú pháp tìm kiếm" in client.get("/help").get_data(as_text=True)


def test_pages_are_cached_briefly_but_not_admin(client: FlaskClient) -> None:
    first = client.get("/search", query_string={"q": "tiết kiệm"})
    second = client.get("/search", query_string={"q": "tiết kiệm"})
    assert first.get_data() == second.get_data()
    assert second.headers.get("X-Cache") == "hit"
    assert "Content-Security-Policy" in second.headers
    assert client.get("/admin/login").headers.get("X-Cache") is None
    assert client.get("/admin/login").headers.get("X-Cache") is None


def test_pagination(client: FlaskClient) -> None:
    html = client.get("/search", query_string={"per_page": 5}).get_data(as_text=True)
    assert 'class="pager"' in html and "page=2" in html
    second = client.get("/api/search", query_string={"per_page": 5, "page": 2}).get_json()
    first = client.get("/api/search", query_string={"per_page": 5}).get_json()
    assert {h["id"] for h in first["hits"]}.isdisjoint({h["id"] for h in second["hits"]})


def test_did_you_mean(client: FlaskClient) -> None:
    data = client.get("/api/search", query_string={"q": "lam theo bac"}).get_json()
    assert data["suggestion"]
    html = client.get("/search", query_string={"q": "lam theo bac"}).get_data(as_text=True)
    assert "Có phải bạn muốn tìm" in html and data["suggestion"] in html
