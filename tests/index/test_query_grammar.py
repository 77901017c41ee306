"""The query grammar as a table: every example of the help page (webui/templates/help.html), and the
repairs the parser makes, as input → tree and messages. A new example on the help page fails here until
its row is written."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from index.docrefs import DocRef
from index.query import And, DateRange, Doc, Facet, Node, Not, Or, Text, Words, parse

HELP = Path(__file__).resolve().parents[2] / "webui" / "templates" / "help.html"
CT05 = Doc(DocRef(kind="ct", number="5", issuer="", start=0, end=10), ("chỉ", "thị", "05"))
NOT_HANOI = Not(Text(("hà", "nội")))

#: help-page example → (what is typed, the tree, the messages)
HELP_EXAMPLES: dict[str, tuple[str, Node | None, list[str]]] = {
    "làm theo Bác": ("làm theo Bác", Words(("làm", "theo", "bác")), []),
    '"dân vận khéo"': ('"dân vận khéo"', Text(("dân", "vận", "khéo")), []),
    "Yên Bái OR Lào Cai": ("Yên Bái OR Lào Cai", Or((Words(("yên", "bái")), Words(("lào", "cai")))), []),
    'chỉ thị 05 -"Hà Nội"': ('chỉ thị 05 -"Hà Nội"', And((CT05, NOT_HANOI)), []),
    "NOT": ('chỉ thị 05 NOT "Hà Nội"', And((CT05, NOT_HANOI)), []),  # the same, spelled with NOT
    "lam theo bac": ("lam theo bac", Words(("lam", "theo", "bac")), []),
    "(thanh niên OR đoàn viên) tình nguyện": (
        "(thanh niên OR đoàn viên) tình nguyện",
        And((Words(("tình", "nguyện")), Or((Words(("thanh", "niên")), Words(("đoàn", "viên")))))), []),
}

#: Beyond the help page: prefixes, Vietnamese operators, and the repairs, each with its message.
MORE: list[tuple[str, Node | None, list[str]]] = [
    ('tinh:"Yên Bái" nam:2020', And((Facet("province", "Yên Bái"), Facet("year", "2020"))), []),
    ("ngay:2020-01..2020-06", DateRange("2020-01-01", "2020-06-31"), []),
    ("ngay:2021-02", DateRange("2021-02-01", "2021-02-31"), []),  # a month: its end as an inclusive bound
    # Not dates: a message, not a range that silently matches nothing.
    ("ngay:2020-13-01..2021-01-01", None,
     ["Không hiểu khoảng ngày “2020-13-01..2021-01-01” (ví dụ: ngay:2020..2023)."]),
    ("ngay:2021-02-30", None, ["Không hiểu khoảng ngày “2021-02-30” (ví dụ: ngay:2020..2023)."]),
    ("Yên Bái HOẶC Lào Cai", Or((Words(("yên", "bái")), Words(("lào", "cai")))), []),
    ('"dân vận', Text(("dân", "vận")), ["Thiếu dấu ngoặc kép đóng; đã tự thêm."]),
    ("OR", None, ["Toán tử OR thiếu vế; đã bỏ qua."]),
    ("", None, []),
    ("()", None, []),
]


def help_examples() -> list[str]:
    table = re.search(r'<table class="syntax-table">(.*?)</table>', HELP.read_text(encoding="utf-8"), re.S)
    assert table, "the help page lost its syntax table"
    return [html.unescape(code) for code in re.findall(r"<code>(.*?)</code>", table.group(1))]


def test_every_help_example_has_a_row() -> None:
    assert help_examples() == list(HELP_EXAMPLES)


@pytest.mark.parametrize("example", list(HELP_EXAMPLES))
def test_help_example(example: str) -> None:
    typed, tree, messages = HELP_EXAMPLES[example]
    parsed = parse(typed)
    assert (parsed.node, parsed.messages) == (tree, messages)


@pytest.mark.parametrize(("typed", "tree", "messages"), MORE)
def test_grammar(typed: str, tree: Node | None, messages: list[str]) -> None:
    parsed = parse(typed)
    assert (parsed.node, parsed.messages) == (tree, messages)


def test_an_overlong_query_is_cut_with_a_message() -> None:
    parsed = parse(" ".join(f"từ{i}" for i in range(40)))
    assert parsed.messages == ["Truy vấn có quá nhiều từ; chỉ dùng 24 từ đầu."]
    parsed = parse("chỉ thị " * 200)
    assert parsed.messages[0] == "Truy vấn quá dài; chỉ dùng 1000 ký tự đầu."


@pytest.mark.parametrize(("odd", "plain"), [("ＢÁＣ Hồ", "BÁC Hồ"), ("Chỉ thị ０５", "Chỉ thị 05"),
                                            ("tinh：\"Nghệ An\"", 'tinh:"Nghệ An"'), ("Bác\u3000Hồ", "Bác Hồ")])
def test_full_width_letters_parse_as_the_plain_ones(odd: str, plain: str) -> None:
    assert parse(odd).node == parse(plain).node is not None
