"""`ct05 report`: the report draft of the web page (/report) as a Word document or a printable HTML file."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import click

from webui.cli.common import data_dir_option, existing_dir, open_archive, resolve_data_dir


def _day(value: str | None, name: str) -> str | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint=name) from None


@click.command("report")
@data_dir_option
@click.option("--province", multiple=True, help="A province (repeatable; several are OR-ed).")
@click.option("--model", multiple=True, help="A model (repeatable).")
@click.option("--from", "date_from", help="First day, YYYY-MM-DD (inclusive).")
@click.option("--to", "date_to", help="Last day, YYYY-MM-DD (inclusive).")
@click.option("--topic/--all", "topic", default=True, show_default=True,
              help="--topic: only articles about Chỉ thị 05 (the web page's default); --all: every article.")
@click.option("--era", type=click.Choice(["2016", "2025"]), default="2016", show_default=True,
              help="Provinces as before (63) or after (34) the 1 July 2025 merger.")
@click.option("--query", "text", default="", help="Search words, as typed in the search box.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="FILE.docx (Word) or FILE.html (printable page).")
def report(data_dir: Path | None, province: tuple[str, ...], model: tuple[str, ...], date_from: str | None,
           date_to: str | None, topic: bool, era: str, text: str, out: Path) -> None:
    """Write the report draft (figures, months, provinces, models, stories) as .docx or .html."""
    from index.store import IndexMissing, SearchIndex
    from index.types import QueryError, SearchQuery
    from webui.report.data import build_report

    suffix = out.suffix.lower()
    if suffix not in (".docx", ".html", ".htm"):
        raise click.BadParameter("the file must end in .docx or .html", param_hint="--out")
    first, last = _day(date_from, "--from"), _day(date_to, "--to")
    if first and last and first > last:
        raise click.BadParameter("--from is after --to", param_hint="--from")
    facet = "province_2025" if era == "2025" else "province"
    filters = tuple((name, values) for name, values in ((facet, province), ("model", model)) if values)
    query = SearchQuery(text=" ".join(text.split()), filters=filters, date_from=first, date_to=last,
                        scope="topic" if topic else "all")
    try:
        idx = SearchIndex.open(existing_dir(data_dir) / "index")
    except IndexMissing as exc:
        raise click.ClickException(str(exc)) from exc
    canonical = []
    for name, values in filters:  # a misspelt province is an error, not an empty report (as on the web)
        names = []
        for value in values:
            found = idx.facet_value(name, value)  # "Thanh Hoá" is "Thanh Hóa"
            if found is None:
                idx.close()
                option, page = ("--model", "/models") if name == "model" else ("--province", "/provinces")
                raise click.BadParameter(f"không có “{value[:80]}” trong kho lưu trữ (viết đúng tên, có dấu, "
                                         f"như trên trang {page})", param_hint=option)
            names.append(found)
        canonical.append((name, tuple(dict.fromkeys(names))))
    query = dataclasses.replace(query, filters=tuple(canonical))
    archive = open_archive(data_dir, readonly=True)
    try:
        data = build_report(idx, archive, query, era=era)
    except QueryError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        archive.close()
        idx.close()
    if suffix == ".docx":
        from webui.report.word import report_docx

        payload = report_docx(data)
    else:
        payload = _html(data, query, era, resolve_data_dir(data_dir)).encode("utf-8")
    out.write_bytes(payload)
    h = data["headline"]
    click.echo(f"{out}: {h['unique']} tin bài ({h['stories']} bài đăng), {h['provinces']} tỉnh, "
               f"{h['models']} mô hình; {h['undated']} không rõ ngày, {h['unplaced']} không rõ tỉnh")


def _html(data: dict[str, object], query: object, era: str, data_dir: Path) -> str:
    """The printable view, standalone: the page's stylesheets inlined so the file opens anywhere."""
    from flask import render_template

    from webui import create_app
    from webui.report.views import render_context

    app = create_app({"DATA_DIR": str(data_dir), "TESTING": True, "SECRET_KEY": "cli"})
    static = Path(app.static_folder or "")
    css = "\n".join((static / name).read_text(encoding="utf-8") for name in ("style.css", "report.css"))
    with app.test_request_context("/report/print"):
        html = render_template("report_print.html", standalone_css=css,
                               **render_context(data, query, "" if era == "2016" else era))  # type: ignore[arg-type]
    return html
