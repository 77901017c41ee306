"""Từ khóa nổi bật: the most frequent segmented phrases of the current result set, minus boilerplate."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request

from index.types import SearchQuery
from webui.params import parse_search, query_args
from webui.resources import get_archive, get_index
from webui.tables import table_response

bp = Blueprint("phrases", __name__)
#: Rows of each table the page shows (and exports).
SHOWN = 50

#: Words every Chỉ thị 05 article repeats ("học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
#: "Chỉ thị 05-CT/TW của Bộ Chính trị") and connectives: they say nothing about one result set.
STOPLIST = frozenset("""
học_tập làm_theo tư_tưởng đạo_đức phong_cách hồ_chí_minh chỉ_thị bộ_chính_trị đẩy_mạnh tấm_gương
chủ_tịch bác_hồ ct/tw 05-ct/tw thực_hiện triển_khai tổ_chức hoạt_động công_tác trong_đó bên_cạnh
tuy_nhiên đồng_thời cùng_với hiện_nay thời_gian vừa_qua góp_phần nhằm thông_qua theo_đó do_đó vì_vậy
bởi_vì như_vậy ngoài_ra các_cấp nội_dung kết_quả tham_gia thường_xuyên tích_cực hiệu_quả quan_tâm
nhiều_hơn trở_thành không_chỉ mà_còn của_mình có_thể cần_phải phải_có đã_được đang_được sẽ_được
trên_địa_bàn địa_bàn địa_phương đơn_vị cơ_quan năm_học hằng_năm hàng_năm ngày_càng việc_làm
""".split())
_WORD = re.compile(r"^[^\W\d_][\w./-]*_[\w_./-]+$")
_TOKEN = re.compile(r"^[^\W\d_][\w_./-]*$")
#: One-syllable function words a phrase may contain but not start or end with.
FUNCTION = frozenset("và của các những được trong với cho là có đã để này một không theo từ tại về đến "
                     "thì mà cũng như khi đó nên còn lại ra vào trên dưới sau trước đang sẽ rất hơn".split())
_PUNCT = ".,;:!?\"'“”()[]…"


def _tokens(text: str) -> list[str | None]:
    """Word tokens; None marks punctuation, where a phrase must not run across."""
    out: list[str | None] = []
    for raw in text.split():
        token = raw.strip(_PUNCT)
        out.append(token if token and _TOKEN.match(token) else None)
        if raw and raw[-1] in _PUNCT and token:
            out.append(None)
    return out


def _usable(gram: tuple[str, ...]) -> bool:
    low = [t.lower() for t in gram]
    if low[0] in FUNCTION or low[-1] in FUNCTION or any(t in STOPLIST for t in low):
        return False
    return any("_" in t for t in gram)


def phrase_counts(texts: Iterable[str], limit: int = 100, sizes: tuple[int, ...] = (1,)) -> list[dict[str, Any]]:
    """Count segmented phrases per occurrence and per article, boilerplate excluded.

    Size 1 counts multi-syllable words ("_"-joined); sizes 2–3 count runs of words that hold at least one
    of them ("cải_cách hành_chính"), never across punctuation nor starting or ending on a function word.
    """
    total: Counter[str] = Counter()
    docs: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = {}
    for text in texts:
        seen: set[str] = set()
        tokens = _tokens(text)
        for n in sizes:
            for i in range(len(tokens) - n + 1):
                gram = tokens[i:i + n]
                if any(t is None for t in gram):
                    continue
                words = tuple(t for t in gram if t is not None)
                if n == 1 and not _WORD.match(words[0]):
                    continue
                if not _usable(words):
                    continue
                form = " ".join(words)
                key = form.lower()
                total[key] += 1
                forms.setdefault(key, Counter())[form] += 1
                seen.add(key)
        docs.update(seen)
    out = []
    for key, count in total.most_common(limit):
        if len(sizes) > 1 or sizes[0] > 1:
            if docs[key] < 2 and len(docs) > 1:  # a phrase one article repeats is not a trend
                continue
        form = forms[key].most_common(1)[0][0]
        out.append({"phrase": form.replace("_", " "), "token": form, "count": count, "articles": docs[key]})
    return out


def sample_ids(query: SearchQuery, limit: int) -> tuple[list[str], int]:
    """Ids of the best `limit` articles of the result set, and the result set's size."""
    idx = get_index()
    ids: list[str] = []
    page, total = 1, 0
    while len(ids) < limit:
        res = idx.search(dataclasses.replace(query, page=page, per_page=min(200, limit), facets=()))
        total = res.total
        ids.extend(h.id for h in res.hits)
        if not res.hits or page * min(200, limit) >= res.total:
            break
        page += 1
    return ids[:limit], total


def phrases_for(query: SearchQuery, limit: int = 100) -> dict[str, Any]:
    sample = int(current_app.config["PHRASES_SAMPLE"])
    ids, total = sample_ids(query, sample)
    archive = get_archive()
    texts = []
    for article_id in ids:
        art = archive.get(article_id)
        if art is not None and art.enrichment is not None and art.enrichment.words:
            texts.append(art.enrichment.words)
    return {"total": total, "sampled": len(ids), "with_words": len(texts),
            "phrases": phrase_counts(texts, limit, sizes=(2, 3)), "words": phrase_counts(texts, limit)}


@bp.get("/phrases.<fmt>")
def phrases_export(fmt: str) -> Response:
    """The phrases and words tables of the page as one CSV or XLSX (kind, phrase, occurrences, articles)."""
    data = phrases_for(parse_search(request.args, extra=("sep",)))
    rows = [[kind, p["phrase"], p["count"], p["articles"]]
            for kind, key in (("Cụm từ", "phrases"), ("Từ ghép", "words")) for p in data[key][:SHOWN]]
    return table_response(fmt, ["Loại", "Cụm từ", "Số lần xuất hiện", "Số bài"], rows, "tu-khoa", "Từ khóa")


@bp.get("/phrases")
def phrases() -> str:
    """The top phrases page: a table of phrases with counts, each a link that narrows the search."""
    query = parse_search(request.args)
    data = phrases_for(query)
    base_q = query.text
    peak = max((p["count"] for p in data["phrases"]), default=1)
    return render_template("phrases.html", shown=SHOWN, data=data, query=query, base_q=base_q, peak=peak,
                           args=query_args(query), title="Từ khóa nổi bật")
