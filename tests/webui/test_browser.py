"""Browser tests: Playwright drives Debian's Chromium against the app served on loopback.

One browser per module. Screenshots of every page land in tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

import csv
import io
import os
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.browser

if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); set CI=1 to make this a failure",
                allow_module_level=True)


@pytest.fixture(scope="module")
def base_url(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN", accept_downloads=True)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    # A 400 page is an expected answer; a failed asset or a CSP violation is not.
    pg.on("console", lambda msg: errors.append(msg.text)
          if msg.type == "error" and "Failed to load resource" not in msg.text else None)
    pg.on("response", lambda r: errors.append(f"{r.status} {r.url}")
          if r.status >= 400 and r.request.resource_type != "document" else None)
    yield pg
    context.close()
    assert not errors, errors  # CSP violations and script errors show up on the console


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def total_on(page: Any) -> int:
    return int(page.locator(".result-head .count strong").inner_text().replace(".", ""))


def test_search_then_facet_changes_counts(page: Any, base_url: str) -> None:
    page.goto(base_url + "/")
    page.fill("#q", "làm theo Bác")
    page.click(".searchbar > button[type=submit]")
    page.wait_for_url("**/search?q=*")
    assert page.locator("mark").count() > 0
    before = total_on(page)
    shot(page, "01-search")
    facet = page.locator("#facet-province ~ ul .facet-value").first
    label = facet.locator(".label").inner_text()
    facet.click()
    page.wait_for_url("**province=*")
    after = total_on(page)
    assert 0 < after < before
    assert page.locator(".facet-value.on .label", has_text=label).count() >= 1
    shot(page, "02-search-facet")


def test_topic_switch_changes_totals_and_facets(page: Any, base_url: str) -> None:
    page.goto(base_url + "/search")
    topic = total_on(page)
    assert page.locator(".scope-switch a[data-scope=topic][aria-current]").count() == 1
    page.click(".scope-switch a[data-scope=all]")
    page.wait_for_url("**scope=all*")
    every = total_on(page)
    assert every > topic
    shot(page, "02b-search-all-articles")
    # In this scope too, a facet value's count is the total once it is selected; the scope stays on.
    facet = page.locator("#facet-province ~ ul .facet-value").first
    count = int(facet.locator(".count").inner_text().replace(".", ""))
    facet.click()
    page.wait_for_url("**province=*")
    assert total_on(page) == count and "scope=all" in page.url
    page.click(".scope-switch a[data-scope=topic]")
    page.wait_for_url(lambda url: "scope=" not in url)
    assert total_on(page) <= count
    page.goto(base_url + "/search")
    assert total_on(page) == topic


def test_open_article(page: Any, base_url: str) -> None:
    page.goto(base_url + "/search?q=Một+cửa")
    page.locator(".hit-title a").first.click()
    page.wait_for_url("**/article/*")
    assert page.locator(".story .body p").count() >= 2
    assert page.locator(".facts").get_by_text("Nguồn ngày").count() == 1
    shot(page, "03-article")
    # The crumb leads back to the result list the article was opened from, not to an empty search.
    back = page.locator(".crumbs a[data-back]")
    assert back.inner_text() == "‹ Kết quả tìm kiếm"
    back.click()
    page.wait_for_url("**/search?q=*")
    assert page.input_value("#q") == "Một cửa"


def test_open_model_page(page: Any, base_url: str) -> None:
    page.goto(base_url + "/models")
    shot(page, "04-models")
    page.locator(".models-table tbody th a").first.click()
    page.wait_for_url("**/models/*")
    assert page.get_by_text("Mô hình được nhân rộng ở đâu").count() == 1
    shot(page, "05-model")
    name = page.locator("h1").inner_text()
    page.locator(".hit-title a").first.click()  # a story of the model, and back to the model
    page.wait_for_url("**/article/*")
    assert page.locator(".crumbs a[data-back]").inner_text() == f"‹ Mô hình “{name}”"
    page.locator(".crumbs a[data-back]").click()
    page.wait_for_url("**/models/*")
    assert page.locator("h1").inner_text() == name


def test_download_csv_and_read_it_back(page: Any, base_url: str) -> None:
    page.goto(base_url + "/search?q=Bác")
    total = total_on(page)
    with page.expect_download() as info:
        page.click("a:text-is('Tải CSV')")
    raw = Path(info.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == total
    assert all(r["Địa chỉ"].startswith("http") for r in rows)


def test_follow_feed_link(page: Any, base_url: str) -> None:
    page.goto(base_url + "/search?q=Bác&province=Hà+Nội")
    page.click("a.subscribe")
    assert page.locator("h1").inner_text() == "Theo dõi tin mới"
    assert "/feed?" in page.locator("#feed-url").input_value()
    href = page.locator("a.feed").get_attribute("href")
    response = page.request.get(base_url + href)
    assert response.ok and "atom" in response.headers["content-type"]
    root = ET.fromstring(response.body())
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = root.findall("a:entry", ns)
    assert entries and "Hà Nội" in root.findtext("a:title", namespaces=ns, default="")


def test_other_pages_render(page: Any, base_url: str) -> None:
    for path, name in (("/provinces", "06-provinces"), ("/coverage", "07-coverage"),
                       ("/provinces/Hà Nội", "08-province"), ("/phrases?q=Bác", "09-phrases"),
                       ("/print?q=Bác", "10-print"), ("/admin/login", "11-admin-login"),
                       ("/search?page=-1", "12-error-400"), ("/api/", "13-api")):
        response = page.goto(base_url + path)
        assert response.status == (400 if "page=-1" in path else 200), path
        assert page.locator("h1").count() >= 1, path
        shot(page, name)


def test_admin_login_and_dashboard(page: Any, base_url: str, app: Flask) -> None:
    page.goto(base_url + "/admin/")
    page.fill("#password", app.config["ADMIN_PASSWORD"])
    page.click("form button[type=submit]")
    page.wait_for_url("**/admin/")
    assert page.get_by_text("Các lượt chạy gần đây").count() == 1
    shot(page, "14-admin")


def test_phone_layout(browser: Any, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    pg = context.new_page()
    pg.goto(base_url + "/search?q=làm+theo+Bác")
    width = pg.evaluate("document.documentElement.scrollWidth")
    assert width <= 392, f"page scrolls sideways on a phone: {width}px"
    assert pg.locator("details.filters").get_attribute("open") is None  # folded so results come first
    shot(pg, "15-phone-search")
    pg.locator(".hit-title a").first.click()
    pg.wait_for_url("**/article/*")
    assert pg.evaluate("document.documentElement.scrollWidth") <= 392
    shot(pg, "16-phone-article")
    for path in ("/report", "/models", "/provinces"):  # the report's letterhead ran 160px off the screen
        pg.goto(base_url + path)
        width = pg.evaluate("document.documentElement.scrollWidth")
        assert width <= 392, f"{path} scrolls sideways on a phone: {width}px"
    shot(pg, "16b-phone-report")
    context.close()


def test_print_selection_to_pdf(page: Any, base_url: str) -> None:
    page.goto(base_url + "/search?q=Bác")
    boxes = page.locator("input[name=ids]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    with page.expect_popup() as popup:
        page.click("#print-form button[type=submit]")
    report = popup.value
    report.wait_for_load_state()
    assert "2 bài viết được chọn" in report.inner_text("body")
    pdf = report.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "report.pdf").write_bytes(pdf)


def test_filter_chip_is_offered_applied_and_removed(page: Any, base_url: str) -> None:
    page.goto(base_url + "/")
    page.fill("#q", "làm theo Bác nghe an")
    page.click(".searchbar > button[type=submit]")
    page.wait_for_url("**/search?q=*")
    before = total_on(page)
    chip = page.locator(".qchip[data-facet=province]")
    assert chip.count() == 1 and "Nghệ An" in chip.inner_text()
    shot(page, "19-search-chip")
    chip.locator("a.apply").click()
    page.wait_for_url("**province=*")
    after = total_on(page)
    assert 0 < after < before
    provinces = page.locator(".hit .meta .province").all_inner_texts()
    assert provinces and all(p == "Nghệ An" for p in provinces)
    assert page.locator(".qchip:not(.on)").count() == 0
    assert page.input_value("#q") == "làm theo Bác"
    shot(page, "20-search-chip-applied")
    page.locator(".qchip.on[data-facet=province] a.remove").click()
    page.wait_for_url(lambda url: "province=" not in url)
    assert page.locator(".qchip.on").count() == 0 and total_on(page) > after
