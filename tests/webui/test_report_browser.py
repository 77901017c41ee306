"""Báo cáo in the browser: open the report page, change the period, download the Word document; screenshots
of the page, of the printable view printed by Chromium, and of the DOCX's pages rendered by LibreOffice
(when it is installed) land in tests/artifacts/ (git-ignored)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from tests.webui.test_browser import base_url, browser  # noqa: F401 - the shared server and browser fixtures

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "report"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN", accept_downloads=True)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    pg.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    yield pg
    context.close()
    assert not errors, errors  # CSP violations and script errors show up on the console


def headline(page: Any, label: str) -> int:
    row = page.locator("table.headline tr", has_text=label).first
    return int(row.locator("td").inner_text().replace(".", ""))


def test_report_page_period_and_docx_download(page: Any, base_url: str, tmp_path: Path) -> None:  # noqa: F811
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.goto(base_url + "/search?scope=all")
    page.click("a.btn:text-is('Báo cáo')")
    page.wait_for_url("**/report?scope=all")
    assert page.locator("h2", has_text="IV. PHÂN BỐ THEO TỈNH, THÀNH").is_visible()
    everything = headline(page, "Số tin bài (không tính")
    page.screenshot(path=str(ARTIFACTS / "report-page.png"), full_page=True)

    page.fill("#date_from", "2017-01-01")
    page.fill("#date_to", "2017-12-31")
    page.click("button:has-text('Lập báo cáo')")
    page.wait_for_url("**date_from=2017-01-01**")
    in_2017 = headline(page, "Số tin bài (không tính")
    api = page.request.get(base_url + "/api/search?scope=all&date_from=2017-01-01&date_to=2017-12-31").json()
    assert in_2017 == api["total"] < everything
    assert page.locator("text=từ ngày 01/01/2017 đến ngày 31/12/2017").first.is_visible()
    assert page.locator("#months svg.chart rect.bar").count() == 12
    page.screenshot(path=str(ARTIFACTS / "report-page-2017.png"), full_page=True)
    page.screenshot(path=str(ARTIFACTS / "report-page-2017-top.png"))

    with page.expect_download() as info:
        page.click("#report-docx")
    download = info.value
    assert download.suggested_filename.endswith(".docx")
    saved = ARTIFACTS / "bao-cao-2017.docx"
    download.save_as(str(saved))
    doc = Document(str(saved))
    rows = {r.cells[0].text: r.cells[1].text for r in doc.tables[1].rows}
    assert int(rows["Số tin bài (không tính bài đăng lại)"].replace(".", "")) == api["total"]

    printable = page.locator("#report-print").get_attribute("href")
    page.goto(base_url + printable)
    page.emulate_media(media="print")
    page.screenshot(path=str(ARTIFACTS / "report-print.png"), full_page=True)
    page.pdf(path=str(ARTIFACTS / "report-print.pdf"), format="A4", print_background=True)
    _pdf_pages(ARTIFACTS / "report-print.pdf", "report-print-page")
    _docx_pages(saved, tmp_path)


def _pdf_pages(pdf: Path, prefix: str) -> None:
    """The PDF's pages as PNG (pdftoppm, when poppler-utils is installed)."""
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "70", "-png", str(pdf), str(ARTIFACTS / prefix)], check=True,
                       capture_output=True, timeout=120)
        assert list(ARTIFACTS.glob(f"{prefix}*.png"))


def _docx_pages(docx: Path, tmp_path: Path) -> None:
    """The Word document as LibreOffice lays it out, page by page (skipped without LibreOffice)."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        return
    profile = tmp_path / "lo-profile"  # its own profile: never shares a running office's lock
    subprocess.run([office, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(docx)], check=True, capture_output=True, timeout=300)
    pdf = tmp_path / (docx.stem + ".pdf")
    assert pdf.exists()
    shutil.copy(pdf, ARTIFACTS / "report-docx.pdf")
    _pdf_pages(pdf, "report-docx-page")
