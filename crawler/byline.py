"""Date and author of an article page, as the page states them.

Dates, in order: the site's date selector; the Vietnamese byline next to the headline (never the page
header, navigation, a clock widget or a teaser); then htmldate (`original_date=True`), which reads
metadata, JSON-LD, URLs and text. A machine-readable timestamp that agrees with the day found gives
the time of day. The day is the one the page states: a time zone is recorded, never applied.
The author is a person or nothing: site names, newsrooms and link labels are not authors.
"""

from __future__ import annotations

import copy
import logging
import re
import unicodedata
from functools import lru_cache
from urllib.parse import urlsplit

from lxml import html

from crawler import htmltext as ht
from crawler.dates import date_from_url, parse_iso_stated, parse_vn_date, unwrap_wayback
from crawler.sites import Site

log = logging.getLogger(__name__)

# Machine-readable publication dates, most trusted first (keys of `extract._metadata`).
META_DATES = ("ld:datepublished", "article:published_time", "og:published_time", "datepublished", "pubdate",
              "publishdate", "dc.date", "dc.date.issued", "dcterms.created", "dcterms.issued",
              "sailthru.date", "parsely-pub-date", "date", "ld:page-datepublished")
_DATE_ATTR = re.compile(r"date|time|publish|ngay|byline|meta|post-info|info", re.IGNORECASE)
# Where a date is never the story's: clocks and "today" widgets, the site header, menus, sidebars, boxes.
_WIDGET = re.compile(r"clock|today|current-?date|current-?time|date-?now|time-?now|weather|thoi-?tiet|calendar|"
                     r"hom-?nay|top-?bar|(^|\s)(site-|main-|top-)?header(-top|-bar|-wrap|-inner)?($|\s)|"
                     r"(^|[\s_-])(menu|nav|navbar|sidebar|widget|related|relate|other-news|tin-khac|tinlienquan|"
                     r"lien-quan|footer|comments?)($|[\s_-])", re.IGNORECASE)
_VI_LETTERS = re.compile("[ăđơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)
MAX_DISTANCE = 300  # elements between the headline and its byline date


def is_vietnamese(root: html.HtmlElement, title: str) -> bool:
    """The page is in Vietnamese (day-first numeric dates can be read)."""
    lang = (root.get("lang") or "").lower()
    return lang.startswith("vi") or len(_VI_LETTERS.findall(title)) >= 2


def headline(root: html.HtmlElement) -> html.HtmlElement | None:
    """The story's headline: the h1 with the longest text (a logo h1 has little or none)."""
    best, size = None, 0
    for h1 in root.iter("h1"):
        n = len(ht.normalize_text(h1.text_content()))
        if n > size:
            best, size = h1, n
    return best


def in_widget(el: html.HtmlElement) -> bool:
    """True inside the page header, navigation, a clock widget, an aside or footer, or a teaser card."""
    node: html.HtmlElement | None = el
    while node is not None and node.tag not in ("body", "html"):
        if node.tag in ("aside", "footer", "nav"):
            return True
        if node.tag == "header" and not any(a.tag in ("article", "main") for a in node.iterancestors()):
            return True
        if node.tag == "li" and any(len(ht.normalize_text(a.text_content())) >= 20 for a in node.iter("a")):
            return True  # a teaser in a list: its date is another story's
        attrs = f"{node.get('class') or ''} {node.get('id') or ''}"
        if attrs.strip() and _WIDGET.search(attrs):
            return True
        if node.tag == "article":
            return False
        node = node.getparent()
    return False


def byline_date(root: html.HtmlElement) -> str | None:
    """The Vietnamese byline date closest to the headline (after it preferred), outside widgets."""
    head = headline(root)
    order = {el: i for i, el in enumerate(root.iter())}
    anchor = order.get(head, 0) if head is not None else 0
    best: tuple[float, str] | None = None
    for el in root.iter("time", "span", "div", "p", "li", "em", "small"):
        if el.tag != "time":
            attrs = f"{el.get('class') or ''} {el.get('id') or ''}"
            if not _DATE_ATTR.search(attrs):
                continue
        pos = order.get(el, 0)
        distance = pos - anchor if pos >= anchor else 3 * (anchor - pos)
        if distance > MAX_DISTANCE or (best is not None and distance >= best[0]):
            continue
        value = (_datetime_attr(el.get("datetime")) if el.get("datetime") else None) or \
            parse_vn_date(ht.element_text(el)[:200])
        if value and not in_widget(el):
            best = (distance, value)
    return best[1] if best else None


def _datetime_attr(text: str) -> str | None:
    stated = parse_iso_stated(text) if re.match(r"\s*\d{4}-\d{2}-\d{2}", text) else None
    return stated[0] if stated else parse_vn_date(text)


def find_date(root: html.HtmlElement, url: str, meta: dict[str, str], site: Site | None,
              title: str) -> tuple[str | None, str, str | None]:
    """(published, source, time zone as stated) of the page."""
    stated: tuple[str, str | None] | None = None
    for key in META_DATES:
        if key in meta and (stated := parse_iso_stated(meta[key]) or _vn_stated(meta[key])):
            break
    primary, source = None, "none"
    if site and site.selectors.date:
        for el in ht.select(root, site.selectors.date)[:1]:
            primary = parse_vn_date(ht.element_text(el)) or _datetime_attr(el.get("datetime") or "")
            source = "byline"
    if primary is None and site and site.selectors.body and stated:
        return stated[0], "metadata", stated[1]  # a checked site's own metadata
    vietnamese = is_vietnamese(root, title)
    if primary is None and vietnamese:
        primary = byline_date(root)
        source = "byline" if primary else "none"
    if primary is None and (primary := date_from_url(url)):
        # The publisher's own day in the path (as htmldate reads first): a UTC stamp of an evening post
        # says the next day.
        primary, source = primary[:10], "url"
    if primary is None and not (site and site.selectors.date):  # a site's date selector knows better
        # On a Vietnamese page the byline reading has looked already: a date in running text is an
        # event's ("ngày 21/12/2016, Ban chỉ đạo…"), so htmldate's free-text search is not used there.
        primary = _htmldate(root, url, extensive=not vietnamese)
        source = "metadata" if primary else "none"
    if stated and (primary is None or stated[0][:10] == primary[:10]):
        # The machine-readable stamp agrees with the day found: it gives the time of day.
        if primary is None or len(primary) <= 10 or primary[11:16] in ("00:00", stated[0][11:16]):
            return stated[0], "metadata", stated[1]
    if primary is not None and len(primary) == 10:
        primary += "T00:00:00"
    return primary, source, None


def _furniture_attr(el: html.HtmlElement) -> bool:
    attrs = f"{el.get('class') or ''} {el.get('id') or ''}"
    # Not `htmltext.is_furniture`: WordPress marks an article "tag-politics", which is not a tag cloud.
    return bool(attrs.strip()) and bool(_WIDGET.search(attrs))


def _vn_stated(text: str) -> tuple[str, str | None] | None:
    value = parse_vn_date(text)
    return (value, None) if value else None


def _htmldate(root: html.HtmlElement, url: str, extensive: bool) -> str | None:
    """htmldate on a copy of the page without header, navigation, widgets, related lists and teasers."""
    import htmldate

    page = copy.deepcopy(root)
    doomed = [el for el in page.iter() if isinstance(el.tag, str) and el.tag not in ("html", "body", "head")
              and (el.tag in ("nav", "aside", "footer") or _furniture_attr(el) or
                   (el.tag == "header" and not any(a.tag in ("article", "main") for a in el.iterancestors())))]
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()
    try:
        return htmldate.find_date(page, original_date=True, url=unwrap_wayback(url), extensive_search=extensive)
    except Exception:  # noqa: BLE001 - a date library error must not lose the article
        log.debug("htmldate failed on %s", url, exc_info=True)
        return None


# --- authors -----------------------------------------------------------------------------------------

ORG_WORDS = re.compile(r"\b(UBND|Văn phòng|Ban |Sở |Báo |Cổng |Tỉnh ủy|Trung tâm|Đài |Tòa soạn|Phòng |Tạp chí|"
                       r"Thông tấn|Ban biên tập|Staff|Editors?|Editorial|Newsroom|News|Desk|Team|Online|Press|"
                       r"Reuters|Associated|AFP|Agency|Media|Group|Inc\b|Ltd|Magazine|Times|Post|Daily)",
                       re.IGNORECASE)
_PREFIX = re.compile(r"^(bài và ảnh|bài, ảnh|bài|ảnh|tác giả|người viết|phóng viên|nhóm phóng viên|by|written by|"
                     r"posted by|theo|nguồn)\s*[:.\-–]?\s*", re.IGNORECASE)
_SUFFIX = re.compile(r"\s*(xem (các|tất cả) bài viết.*|bài viết của tác giả.*|view (all )?posts.*|more from.*|"
                     r"\||[-–—]\s*(phóng viên|pv|ctv|cộng tác viên)\b.*|\(.*?\)|,?\s*\S+@\S+).*$", re.IGNORECASE)
_WORD = re.compile(r"^[^\W\d_][^\W\d_'’.-]*\.?$")
_CONNECTORS = {"và", "and", "-", "–", ",", "&", "de", "van", "von", "der", "da", "del", "di", "le", "la"}


@lru_cache(maxsize=4096)  # site and host names: the same few on every page of a crawl
def fold(text: str) -> str:
    """Lower-case ASCII letters and digits only ("Dân Trí" -> "dantri")."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in text if not unicodedata.combining(c)).lower())


def site_names(url: str, meta: dict[str, str], site: Site | None) -> set[str]:
    """Folded names the site goes by: host labels, og:site_name, application-name, the registry's name."""
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    names = {fold(label) for label in host.split(".") if len(label) > 2}
    names.add(fold(host))
    for key in ("og:site_name", "application-name", "twitter:site", "publisher"):
        if meta.get(key):
            names.add(fold(meta[key]))
    if site:
        names.add(fold(site.name.removesuffix(" (mirror)")))
    return {n for n in names if n}


_AUTHOR_ATTR = re.compile(r"author|tac-gia|tacgia|byline", re.IGNORECASE)


def author_near(root: html.HtmlElement, names: set[str]) -> str | None:
    """A person named in an author-marked element of the page (`rel=author`, class or itemprop)."""
    for el in root.iter("a", "span", "div", "p", "strong", "b", "em"):
        attrs = f"{el.get('class') or ''} {el.get('id') or ''} {el.get('itemprop') or ''} {el.get('rel') or ''}"
        if not _AUTHOR_ATTR.search(attrs) or in_widget(el):
            continue
        text = ht.normalize_text(el.text_content())
        if 0 < len(text) <= 80 and (name := person(text, names)):
            return name
    return None


def person(text: str | None, names: set[str], site_rule: bool = False) -> str | None:
    """`text` as an author's name, or None when it is not a person (a site, a newsroom, a label).
    `site_rule`: the text is what a checked site's own author element holds; it is kept as the site
    writes it ("Bài, ảnh: Thái Bình", "PV") unless it names the site or a newsroom."""
    if not text:
        return None
    text = ht.normalize_text(text)
    if site_rule:
        folded = fold(text)
        if not folded or ORG_WORDS.search(text) or any(folded == n for n in names):
            return None
        return text
    text = _SUFFIX.sub("", _PREFIX.sub("", text)).strip(" -–—,.:|")
    if not text or len(text) > 60 or ORG_WORDS.search(text) or any(c.isdigit() for c in text):
        return None
    folded = fold(text)
    if not folded or any(folded == n or (len(n) >= 5 and (n in folded or folded in n)) for n in names):
        return None
    words = [w for w in re.split(r"\s+", text) if w.lower() not in _CONNECTORS]
    if not words or len(words) > 8:
        return None
    for word in words:
        if not _WORD.match(word) or not word[0].isupper():
            return None
    if len(words) == 1 and (word.isupper() or len(word) < 3):
        return None  # "PV", "TTXVN": a newsroom's initials
    return text
