"""Accessibility in a real browser (issue 16): axe-core on every page at desktop and phone sizes, keyboard
focus, the phone layout. axe-core is served from this folder (tests/webui/axe/, MIT), never from a CDN.

Screenshots land in tests/artifacts/a11y/ (git-ignored).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from crawler.article import Article
from tests.webui.test_browser import ARTIFACTS, CHROMIUM, base_url, browser  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "axe" / "axe.min.js"
SHOTS = ARTIFACTS / "a11y"
SIZES = {"desktop": (1366, 900), "phone": (390, 844)}
assert Path(CHROMIUM)


def pages(articles: list[Article]) -> list[tuple[str, str]]:
    return [
        ("home", "/"), ("search", "/search?q=làm+theo+Bác"),
        ("compare", "/search?province=Hà+Nội&province=Yên+Bái&scope=all"),
        ("article", f"/article/{articles[0].id}"), ("models", "/models?scope=all"),
        ("model", "/models/Người tốt, việc tốt?scope=all"), ("provinces", "/provinces"),
        ("province", "/provinces/Hà Nội"), ("coverage", "/coverage"), ("phrases", "/phrases?q=Bác"),
        ("print", "/print?q=Bác"), ("help", "/help"), ("api", "/api/"), ("admin-login", "/admin/login"),
        ("subscribe", "/feed/subscribe?q=Bác"), ("report", "/report?scope=all"), ("report-print", "/report/print"),
        ("not-found", "/provinces/Atlantis"),
    ]


@pytest.fixture(scope="module", params=list(SIZES))
def sized(request: pytest.FixtureRequest, browser: Any) -> Iterator[tuple[str, Any]]:  # noqa: F811
    width, height = SIZES[request.param]
    # bypass_csp: axe is added as a script tag; the pages themselves keep their policy.
    context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN", bypass_csp=True,
                                  is_mobile=request.param == "phone", has_touch=request.param == "phone")
    yield request.param, context
    context.close()


def run_axe(pg: Any) -> list[dict[str, Any]]:
    pg.add_script_tag(path=str(AXE))
    result = pg.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return [v for v in result if v["impact"] in ("critical", "serious")]


def test_axe_on_every_page(sized: tuple[str, Any], base_url: str, articles: list[Article],  # noqa: F811
                           app: Flask) -> None:
    size, context = sized
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg = context.new_page()
    failures = {}
    for name, path in pages(articles):
        response = pg.goto(base_url + path)
        assert response is not None and response.status == (404 if name == "not-found" else 200), path
        assert pg.locator("h1").count() >= 1, path
        bad = run_axe(pg)
        if bad:
            failures[f"{size} {name}"] = bad
        pg.screenshot(path=str(SHOTS / f"{size}-{name}.png"), full_page=size == "desktop")
    # The admin dashboard, behind its login.
    pg.goto(base_url + "/admin/login")
    pg.fill("#password", app.config["ADMIN_PASSWORD"])
    pg.click("form button[type=submit]")
    pg.wait_for_url("**/admin/")
    bad = run_axe(pg)
    if bad:
        failures[f"{size} admin"] = bad
    pg.screenshot(path=str(SHOTS / f"{size}-admin.png"), full_page=size == "desktop")
    pg.close()
    (SHOTS / f"axe-{size}.json").write_text(json.dumps(failures, ensure_ascii=False, indent=1), encoding="utf-8")
    assert not failures, sorted({f"{page}: {v['id']}" for page, vs in failures.items() for v in vs})


def _contrast(rgb_a: tuple[float, ...], rgb_b: tuple[float, ...]) -> float:
    def lum(rgb: tuple[float, ...]) -> float:
        c = [x / 255 for x in rgb[:3]]
        c = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    a, b = sorted((lum(rgb_a), lum(rgb_b)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def _rgb(css: str) -> tuple[float, ...]:
    return tuple(float(x) for x in re.findall(r"[\d.]+", css)[:3])


def test_keyboard_focus(sized: tuple[str, Any], base_url: str) -> None:  # noqa: F811
    size, context = sized
    if size != "desktop":
        pytest.skip("keyboard test at desktop size")
    pg = context.new_page()
    pg.goto(base_url + "/search?q=làm+theo+Bác")
    first = pg.locator(".hit-title a").first.get_attribute("href")
    for presses in range(1, 16):
        pg.keyboard.press("Tab")
        if pg.evaluate("document.activeElement.getAttribute('href')") == first:
            break
        if presses == 1:  # the skip link: follow it
            assert pg.evaluate("document.activeElement.className") == "skip"
            pg.keyboard.press("Enter")
    else:
        pytest.fail("the first result is not within 15 Tab presses")
    # The focus ring: at least 3:1 against the page and against the red header.
    for selector in (".hit-title a", "header a"):
        pg.focus(selector)
        outline = pg.evaluate(f"getComputedStyle(document.querySelector('{selector}:focus')).outlineColor")
        width = pg.evaluate(f"getComputedStyle(document.querySelector('{selector}:focus')).outlineWidth")
        bg = pg.evaluate(f"""(() => {{ let e = document.querySelector('{selector}');
            while (e) {{ const c = getComputedStyle(e).backgroundColor;
              if (c && c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return c; e = e.parentElement; }}
            return 'rgb(255, 255, 255)'; }})()""")
        assert float(width.replace("px", "")) >= 2, selector
        assert _contrast(_rgb(outline), _rgb(bg)) >= 3, (selector, outline, bg)
    # Focus kept after choosing a facet: the chosen value has focus on the new page.
    pg.locator("#facet-province ~ ul .facet-value").first.focus()
    pg.keyboard.press("Enter")
    pg.wait_for_url("**province=*")
    assert pg.evaluate("document.activeElement.classList.contains('facet-value')")
    pg.close()


def test_phone_navigation_and_first_result(sized: tuple[str, Any], base_url: str) -> None:  # noqa: F811
    size, context = sized
    if size != "phone":
        pytest.skip("phone layout")
    pg = context.new_page()
    for path in ("/search?province=Hà+Nội&province=Yên+Bái&scope=all", "/coverage", "/models?scope=all"):
        pg.goto(base_url + path)
        assert pg.evaluate("document.documentElement.scrollWidth") <= 392, path
    pg.goto(base_url + "/search?q=làm+theo+Bác")
    assert pg.evaluate("document.documentElement.scrollWidth") <= 392
    box = pg.locator(".hit").first.bounding_box()
    assert box is not None and box["y"] < 844, box  # the first result starts above the fold
    for link in pg.locator("header nav a").all():  # every navigation link reachable (no clipping)
        b = link.bounding_box()
        assert b is not None and b["x"] >= 0 and b["x"] + b["width"] <= 390, b
    boxes = pg.locator("input[name=ids]")
    if boxes.count():
        b = boxes.first.bounding_box()
        assert b is not None and b["width"] >= 24 and b["height"] >= 24, b
    pg.close()



def _download(pg: Any, selector: str) -> bytes:
    with pg.expect_download() as info:
        pg.click(selector)
    return Path(info.value.path()).read_bytes()


def test_researcher_compares_two_provinces_in_three_clicks(sized: tuple[str, Any], base_url: str) -> None:  # noqa: F811
    """"Compare stories per year for two provinces, export the table": two facet clicks and the export."""
    import csv
    import io

    size, context = sized
    if size != "desktop":
        pytest.skip("desktop task")
    pg = context.new_page()
    pg.goto(base_url + "/search?scope=all")
    for name in ("Hà Nội", "Nghệ An"):  # click 1 and 2
        pg.locator("#facet-province ~ ul .facet-value", has_text=name).first.click()
        pg.wait_for_load_state()
    assert pg.locator("#compare-h").count() == 1
    raw = _download(pg, "text=Tải bảng so sánh CSV")  # click 3
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert [r[0] for r in rows[1:]] == ["Hà Nội", "Nghệ An", "Tổng"]
    pg.close()


def test_staff_exports_replicated_model_stories_in_three_clicks(sized: tuple[str, Any], base_url: str) -> None:  # noqa: F811
    """"Find stories of a model carried out in more than one province, export them"."""
    from openpyxl import load_workbook

    size, context = sized
    if size != "desktop":
        pytest.skip("desktop task")
    pg = context.new_page()
    pg.goto(base_url + "/?scope=all")
    pg.click("header nav >> text=Mô hình")  # click 1
    pg.click("text=Thực hiện ở ≥ 2 tỉnh (nhân rộng)")  # click 2
    raw = _download(pg, "text=Tải Excel các bài thực hiện")  # click 3
    ws = load_workbook(io_bytes(raw)).active
    header = [c.value for c in ws[1]]
    done = header.index("Mô hình thực hiện")
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) >= 2 and all("Người tốt, việc tốt" in (r[done] or "") for r in rows)
    pg.close()


def io_bytes(raw: bytes) -> Any:
    import io

    return io.BytesIO(raw)
