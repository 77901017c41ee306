"""A propaganda officer's pass over the web UI (QA 21): lists, downloads and links a staff member reads."""

from __future__ import annotations

import csv
import io

from flask.testing import FlaskClient


def _csv(client: FlaskClient, url: str) -> list[list[str]]:
    resp = client.get(url)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    return list(csv.reader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))


def test_the_province_list_puts_unknown_last_not_first(client: FlaskClient) -> None:
    # The fixture has more stories with no province (11) than for Hà Nội (10): "Không rõ" headed the list.
    rows = _csv(client, "/provinces.csv?scope=all")[1:]
    names = [r[0] for r in rows]
    assert names[0] == "Hà Nội" and names[-2:] == ["Không rõ", "Tổng"]
    html = client.get("/provinces?scope=all").get_data(as_text=True)
    assert html.index("Hà Nội") < html.index("Không rõ")
