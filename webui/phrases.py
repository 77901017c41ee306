"""Từ khóa nổi bật: the segmented phrases distinctive of the current result set against the whole archive
(near-duplicates merged, boilerplate left out); the most frequent ones for the whole archive itself."""

from __future__ import annotations

import dataclasses
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request

from index.analysis import fold
from index.types import SearchQuery
from webui.params import parse_search, query_args
from webui.resources import get_archive, get_index
from webui.tables import check_format, table_response

bp = Blueprint("phrases", __name__)
#: Rows of each table the page shows (and exports).
SHOWN = 50
#: Share by which the archive must grow or shrink before its phrase baseline is counted again.
BASELINE_DRIFT = 0.05

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


@dataclass
class Tally:
    """Segmented phrases of a set of texts: occurrences, articles holding each, the written forms."""

    total: Counter[str] = field(default_factory=Counter)
    docs: Counter[str] = field(default_factory=Counter)
    forms: dict[str, Counter[str]] = field(default_factory=dict)
    n: int = 0


def tally(texts: Iterable[str], sizes: tuple[int, ...] = (1,)) -> Tally:
    """Count segmented phrases per occurrence and per article, boilerplate excluded.

    Size 1 counts multi-syllable words ("_"-joined); sizes 2–3 count runs of words that hold at least one
    of them ("cải_cách hành_chính"), never across punctuation nor starting or ending on a function word.
    """
    out = Tally()
    total, forms = out.total, out.forms
    for text in texts:
        out.n += 1
        seen: set[str] = set()
        tokens = _tokens(text)
        low = [t.lower() if t is not None else None for t in tokens]
        # Per token, once (not per n-gram: this loop ran a second per thousand articles): may it start or
        # end a phrase, may it be inside one, running counts of blocked and multi-syllable tokens.
        edge_ok = [w is not None and w not in FUNCTION for w in low]
        blocked, compound = [0], [0]
        for t, w in zip(tokens, low, strict=True):
            blocked.append(blocked[-1] + (w is None or w in STOPLIST))
            compound.append(compound[-1] + (t is not None and "_" in t))
        for n in sizes:
            for i in range(len(tokens) - n + 1):
                j = i + n
                if not (edge_ok[i] and edge_ok[j - 1]) or blocked[j] != blocked[i] or compound[j] == compound[i]:
                    continue
                if n == 1 and not _WORD.match(tokens[i]):  # type: ignore[arg-type]
                    continue
                form = " ".join(tokens[i:j])  # type: ignore[arg-type]
                key = form.lower()
                total[key] += 1
                forms.setdefault(key, Counter())[form] += 1
                seen.add(key)
        out.docs.update(seen)
    return out


def _entry(t: Tally, key: str) -> dict[str, Any]:
    form = t.forms[key].most_common(1)[0][0]
    return {"phrase": form.replace("_", " "), "token": form, "count": t.total[key], "articles": t.docs[key]}


def phrase_counts(texts: Iterable[str], limit: int = 100, sizes: tuple[int, ...] = (1,)) -> list[dict[str, Any]]:
    """The most frequent phrases (see `tally`); a run of words one article repeats is not a trend."""
    t = tally(texts, sizes)
    out = []
    for key, _count in t.total.most_common(limit):
        if (len(sizes) > 1 or sizes[0] > 1) and t.docs[key] < 2 and len(t.docs) > 1:
            continue
        out.append(_entry(t, key))
    return out


def distinctive(sel: Tally, base: Tally, limit: int = 100, min_articles: int = 2) -> list[dict[str, Any]]:
    """Phrases over-represented in the selection against the archive (`base`), most distinctive first.

    Keyness is articles × log(share here / share in the archive) with add-one smoothing of the archive
    share, so a phrase every article of the archive has scores ≈ 0 and a rare one many selected articles
    share scores high. Near-duplicates are merged: a phrase inside (or around) a kept one with a similar
    article count, or the same phrase with other diacritics or case, is left out."""
    if not sel.n:
        return []
    need = min_articles if sel.n > 1 else 1
    scored = []
    for key, df in sel.docs.items():
        if df < need:
            continue
        here = df / sel.n
        there = (base.docs.get(key, 0) + 1) / (base.n + 1)
        if here > there:
            scored.append((df * math.log(here / there), key))
    scored.sort(key=lambda x: (-x[0], x[1]))
    kept: list[tuple[tuple[str, ...], int]] = []
    folded_seen: set[str] = set()
    out = []
    for score, key in scored:
        words = tuple(fold(key).replace("_", " ").split())
        folded = " ".join(words)
        if folded in folded_seen or any(_near(words, sel.docs[key], k, df) for k, df in kept):
            continue
        folded_seen.add(folded)
        kept.append((words, sel.docs[key]))
        entry = _entry(sel, key)
        entry.update(score=round(score, 2), share=round(100 * sel.docs[key] / sel.n, 1),
                     base_share=round(100 * base.docs.get(key, 0) / max(1, base.n), 1))
        out.append(entry)
        if len(out) >= limit:
            break
    return out


def _near(a: tuple[str, ...], df_a: int, b: tuple[str, ...], df_b: int) -> bool:
    """Is one phrase a run of words inside the other, found in about the same articles?"""
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    inside = any(long_[i:i + len(short)] == short for i in range(len(long_) - len(short) + 1))
    return inside and min(df_a, df_b) >= 0.6 * max(df_a, df_b)


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


def _texts(ids: Iterable[str]) -> list[str]:
    archive = get_archive()
    texts = []
    for article_id in ids:
        art = archive.get(article_id)
        if art is not None and art.enrichment is not None and art.enrichment.words:
            texts.append(art.enrichment.words)
    return texts


def archive_baseline() -> tuple[Tally, Tally]:
    """Phrases and words of the whole archive (a sample of `PHRASES_SAMPLE` articles, every scope): what a
    selection is compared with. Counted again only when the archive has grown or shrunk by more than
    `BASELINE_DRIFT`: a periodic crawl changes the index every few minutes, and a sample's proportions
    do not move with a few stories, so the first reader after each crawl need not wait seconds for it."""
    cache = current_app.extensions.setdefault("ct05.phrase_baseline", {})
    count = get_index().doc_count()
    cached = cache.get("entry")
    if cached is None or abs(count - cached[0]) > BASELINE_DRIFT * max(cached[0], 1):
        ids, _total = sample_ids(SearchQuery(scope="all", sort="newest"), int(current_app.config["PHRASES_SAMPLE"]))
        texts = _texts(ids)
        cached = cache["entry"] = (count, (tally(texts, (2, 3)), tally(texts, (1,))))
    return cached[1]  # type: ignore[no-any-return]


def whole_archive(query: SearchQuery) -> bool:
    return not (query.text or query.filters or query.date_from or query.date_to) and query.scope == "all"


def phrases_for(query: SearchQuery, limit: int = 100) -> dict[str, Any]:
    """The selection's distinctive phrases and words against the archive (the most frequent ones when the
    selection is the whole archive: nothing to compare with)."""
    sample = int(current_app.config["PHRASES_SAMPLE"])
    ids, total = sample_ids(query, sample)
    texts = _texts(ids)
    data: dict[str, Any] = {"total": total, "sampled": len(ids), "with_words": len(texts)}
    if not whole_archive(query):
        base_phrases, base_words = archive_baseline()
        data.update(distinctive=True, base_n=base_phrases.n,
                    phrases=distinctive(tally(texts, (2, 3)), base_phrases, limit),
                    words=distinctive(tally(texts, (1,)), base_words, limit))
        if data["phrases"] or data["words"]:
            return data
    # The whole archive, or a selection no different from it: the most frequent phrases.
    data.update(distinctive=False, phrases=phrase_counts(texts, limit, sizes=(2, 3)),
                words=phrase_counts(texts, limit))
    return data


@bp.get("/phrases.<fmt>")
def phrases_export(fmt: str) -> Response:
    """The phrases and words tables of the page as one CSV or XLSX (kind, phrase, occurrences, articles)."""
    check_format(fmt)  # before the phrases are counted: /phrases.json costs a second for a 400
    data = phrases_for(parse_search(request.args, extra=("sep",)))
    rows = [[kind, p["phrase"], p["count"], p["articles"], p.get("share", ""), p.get("base_share", ""),
             p.get("score", "")]
            for kind, key in (("Cụm từ", "phrases"), ("Từ ghép", "words")) for p in data[key][:SHOWN]]
    headers = ["Loại", "Cụm từ", "Số lần xuất hiện", "Số bài", "% bài được chọn", "% bài toàn kho", "Độ nổi bật"]
    return table_response(fmt, headers, rows, "tu-khoa", "Từ khóa")


@bp.get("/phrases")
def phrases() -> str:
    """The top phrases page: a table of phrases with counts, each a link that narrows the search."""
    query = parse_search(request.args)
    data = phrases_for(query)
    base_q = query.text
    peak = max((p["count"] for p in data["phrases"]), default=1)
    return render_template("phrases.html", shown=SHOWN, data=data, query=query, base_q=base_q, peak=peak,
                           args=query_args(query), title="Từ khóa nổi bật")
