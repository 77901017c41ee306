"""The report as a Word document laid out as a Vietnamese administrative report (python-docx).

A4, margins 2 cm top and bottom, 3 cm left, 2 cm right, Times New Roman 14 pt (tables 12 pt), the national
heading, numbered sections (I, II, … and 1, 2, …), tables with repeated header rows, the month chart as a
picture. Everything stays editable text: it is a draft the user finishes and signs.
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from webui.report.png import month_png
from webui.report.text import SECTIONS, Text, num, vn_date

FONT = "Times New Roman"
BODY_PT, TABLE_PT = 14, 12


def report_docx(report: dict[str, Any]) -> bytes:
    """The DOCX bytes of a report built by `data.build_report`."""
    doc = Document()
    _page_setup(doc)
    t = Text(report)
    _heading_block(doc, t)
    _section(doc, "scope")
    for line in t.scope_lines():
        _para(doc, line)
    _section(doc, "headline")
    _table(doc, ["Chỉ tiêu", "Số lượng"], t.headline_rows(), widths=(12.0, 4.0), numeric=(1,))
    for line in t.headline_notes():
        _para(doc, line, italic=True)
    _section(doc, "months")
    for line in t.month_lines():
        _para(doc, line)
    months = report["months"]
    if months["series"]:
        picture = doc.add_paragraph()
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.add_run().add_picture(io.BytesIO(month_png(months["series"], months["milestones"])), width=Cm(16))
        _para(doc, t.chart_caption(), italic=True, size=TABLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER)
        _table(doc, ["Năm", "Số tin bài"], [[y, num(c)] for y, c in months["years"]], widths=(5.0, 5.0),
               numeric=(1,))
    _section(doc, "provinces")
    _para(doc, t.province_intro())
    _table(doc, ["STT", "Tỉnh, thành", "Số tin bài", "Số bài đăng (kể cả đăng lại)", "Tỷ lệ"],
           t.province_rows(), widths=(1.2, 6.3, 2.8, 3.7, 2.0), numeric=(0, 2, 3, 4), bold_last=True)
    for line in t.province_notes():
        _para(doc, line, italic=True)
    _section(doc, "models")
    if not report["models"]:
        _para(doc, "Không có mô hình nào được nêu trong các tin bài của phạm vi báo cáo.")
    for i, model in enumerate(report["models"], 1):
        p = _para(doc, "")
        p.add_run(f"{i}. Mô hình “{model['name']}”").bold = True
        p.add_run(f": {num(model['count'])} tin bài.")
        for line in t.model_lines(model):
            _para(doc, line)
        for story in model["examples"]:
            _story(doc, story)
    _section(doc, "people")
    _para(doc, t.sample_line())
    _names_table(doc, "Người được nêu gương", report["people"])
    _names_table(doc, "Cơ quan, đơn vị", report["units"])
    _section(doc, "documents")
    if report["documents"]:
        _table(doc, ["STT", "Văn bản", "Số tin bài"],
               [[str(i), d["name"], num(d["count"])] for i, d in enumerate(report["documents"], 1)],
               widths=(1.2, 11.8, 3.0), numeric=(0, 2))
    else:
        _para(doc, "Không có văn bản nào được dẫn trong các tin bài của phạm vi báo cáo.")
    _section(doc, "phrases")
    _para(doc, t.phrases_line())
    _section(doc, "assessment")
    for line in t.assessment_lines():
        _para(doc, line, italic=True)
    _signature(doc)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _page_setup(doc: Any) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    section.left_margin, section.right_margin = Cm(3.0), Cm(2.0)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)  # Vietnamese letters need every slot set
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    core = doc.core_properties
    core.title, core.language, core.author = "Báo cáo tin bài về Chỉ thị 05-CT/TW", "vi-VN", "CT05"
    # Page numbers, centred at the top, as administrative documents number them.
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(header.add_run(), "PAGE")
    section.different_first_page_header_footer = True


def _field(run: Any, code: str) -> None:
    for kind, text in (("begin", None), (None, code), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText" if text == code else "w:t")
            el.text = text
        run._r.append(el)


def _para(doc: Any, text: str, *, bold: bool = False, italic: bool = False, size: int | None = None,
          align: Any = WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = True) -> Any:
    p = doc.add_paragraph()
    p.alignment = align
    if indent and align == WD_ALIGN_PARAGRAPH.JUSTIFY:
        p.paragraph_format.first_line_indent = Cm(1.0)
    if text:
        run = p.add_run(text)
        run.bold, run.italic = bold or None, italic or None
        if size:
            run.font.size = Pt(size)
    return p


def _heading_block(doc: Any, t: Text) -> None:
    """Issuing body and the national motto side by side, the place and date, then the title."""
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, (6.0, 10.0))
    left, right = table.rows[0].cells
    _cell_lines(left, [("[TÊN CƠ QUAN, ĐƠN VỊ]", True, False, 13), ("Số: …/BC-…", False, False, 13)])
    _cell_lines(right, [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True, False, 13),
                        ("Độc lập - Tự do - Hạnh phúc", True, False, 14),
                        (t.place_date(), False, True, 14)])
    doc.add_paragraph()
    _para(doc, "BÁO CÁO", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=14)
    for line in t.title_lines():
        p = _para(doc, line, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        p.paragraph_format.space_after = Pt(0)
    _para(doc, "", align=WD_ALIGN_PARAGRAPH.CENTER)


def _cell_lines(cell: Any, lines: list[tuple[str, bool, bool, int]]) -> None:
    cell.paragraphs[0].text = ""
    for i, (text, bold, italic, size) in enumerate(lines):
        p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(0)
        run = p.add_run(text)
        run.bold, run.italic, run.font.size = bold or None, italic or None, Pt(size)


def _section(doc: Any, key: str) -> None:
    title = SECTIONS[key]
    p = doc.add_paragraph()
    p.paragraph_format.space_before = Pt(12)
    p.paragraph_format.keep_with_next = True
    run = p.add_run(title)
    run.bold = True


def _story(doc: Any, story: dict[str, Any]) -> None:
    p = _para(doc, "", align=WD_ALIGN_PARAGRAPH.LEFT)
    p.paragraph_format.left_indent = Cm(1.0)
    p.add_run("- ")
    p.add_run(f"“{story['title']}”").italic = True
    p.add_run(f" ({story['source_name']}, {vn_date(story['published'])}). ")
    if story["summary"]:
        p.add_run(story["summary"])
    link = p.add_run(f" {story['url']}")
    link.font.size = Pt(11)
    link.font.color.rgb = RGBColor(0x1F, 0x4E, 0x79)


def _names_table(doc: Any, label: str, items: list[dict[str, Any]]) -> None:
    if not items:
        _para(doc, f"{label}: không có trong các tin bài đã đọc.")
        return
    _table(doc, ["STT", label, "Số tin bài"], [[str(i), d["name"], num(d["count"])] for i, d in enumerate(items, 1)],
           widths=(1.2, 11.8, 3.0), numeric=(0, 2))


def _table(doc: Any, header: list[str], rows: list[list[str]], *, widths: tuple[float, ...],
           numeric: tuple[int, ...] = (), bold_last: bool = False) -> Any:
    """A bordered table whose header row repeats on every page."""
    table = doc.add_table(rows=1, cols=len(header))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, text in enumerate(header):
        _cell(table.rows[0].cells[i], text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, shade=True)
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    tr_pr.append(repeat)
    for r, row in enumerate(rows):
        cells = table.add_row().cells
        for i, text in enumerate(row):
            align = WD_ALIGN_PARAGRAPH.RIGHT if i in numeric and i else (
                WD_ALIGN_PARAGRAPH.CENTER if i in numeric else WD_ALIGN_PARAGRAPH.LEFT)
            _cell(cells[i], text, bold=bold_last and r == len(rows) - 1, align=align)
    _widths(table, widths)
    doc.add_paragraph().paragraph_format.space_after = Pt(0)
    return table


def _widths(table: Any, widths: tuple[float, ...]) -> None:
    table.autofit = False
    for i, width in enumerate(widths):  # the grid for LibreOffice, the cells for Word
        table.columns[i].width = Cm(width)
    for row in table.rows:
        for i, width in enumerate(widths):
            row.cells[i].width = Cm(width)


def _cell(cell: Any, text: str, *, bold: bool = False, align: Any = None, shade: bool = False) -> None:
    p = cell.paragraphs[0]
    p.alignment = align
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.first_line_indent = Cm(0)
    run = p.add_run(text)
    run.bold = bold or None
    run.font.size = Pt(TABLE_PT)
    if shade:
        shading = OxmlElement("w:shd")
        shading.set(qn("w:val"), "clear")
        shading.set(qn("w:fill"), "E7E6E6")
        cell._tc.get_or_add_tcPr().append(shading)


def _signature(doc: Any) -> None:
    table = doc.add_table(rows=1, cols=2)
    _widths(table, (8.0, 8.0))
    left, right = table.rows[0].cells
    left.paragraphs[0].text = ""
    run = left.paragraphs[0].add_run("Nơi nhận:")
    run.bold, run.italic, run.font.size = True, True, Pt(12)
    for line in ("- …;", "- Lưu: VT."):
        left.add_paragraph().add_run(line).font.size = Pt(11)
    _cell_lines(right, [("NGƯỜI LẬP BÁO CÁO", True, False, 14), ("(Ký, ghi rõ họ tên)", False, True, 14)])
