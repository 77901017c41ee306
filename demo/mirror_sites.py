"""Per-site URL schemes, bylines and page furniture of the five mirrored provincial news sites."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from html import escape

from demo.mirror_sources import Article

WEEKDAYS = ["Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật"]


@dataclass(frozen=True)
class Site:
    """Static description of one mirrored site."""

    id: str
    name: str
    all_key: str
    all_label: str
    cats: dict[str, str]
    parent_label: str
    metadata: str  # "jsonld", "meta" or "none": where machine-readable dates live
    rss: bool
    related_heading: str
    related_dates: bool


SITES: dict[str, Site] = {
    s.id: s
    for s in [
        Site("yenbai", "Cổng thông tin điện tử tỉnh Yên Bái", "tin-hoat-dong", "Tin Hoạt động",
             {"chinh-tri": "Chính trị", "kinh-te": "Kinh tế", "van-hoa-xa-hoi": "Văn hóa - Xã hội"},
             "Tin Hoạt động", "jsonld", False, "Các tin khác", True),
        Site("tthue", "Báo Thừa Thiên Huế", "tin-moi", "Tin mới",
             {"xay-dung-dang": "Xây dựng Đảng", "doi-song": "Đời sống"},
             "Chính trị - Xã hội", "meta", True, "Tin cùng chuyên mục", False),
        Site("bacninh", "Báo điện tử Bắc Ninh", "tin-tuc", "Tin tức",
             {"chinh-tri": "Chính trị", "xa-hoi": "Xã hội"},
             "Tin tức", "none", True, "Các tin đã đưa", True),
        Site("hoabinh", "Báo Hòa Bình điện tử", "tin-moi-nhat", "Tin mới nhất",
             {"chinh-tri": "Chính trị", "kinh-te": "Kinh tế", "xa-hoi": "Xã hội"},
             "Tin tức", "none", False, "Các tin khác", True),
        Site("nghean", "Cổng thông tin điện tử tỉnh Nghệ An", "tin-tuc-su-kien", "Tin tức - Sự kiện",
             {"xay-dung-dang": "Xây dựng Đảng", "kinh-te-xa-hoi": "Kinh tế - Xã hội"},
             "Tin tức - Sự kiện", "none", False, "Tin liên quan", False),
    ]
}

# hoabinh numbers its sections like the real baohoabinh.com.vn does.
HOABINH_CATNUM = {"tin-moi-nhat": "0", "chinh-tri": "12", "kinh-te": "14", "xa-hoi": "16"}


def slugify(text: str, words: int = 12) -> str:
    """ASCII slug from Vietnamese text (đ→d, marks dropped), at most `words` words."""
    text = text.replace("đ", "d").replace("Đ", "D")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    parts = "".join(c.lower() if c.isalnum() else " " for c in text).split()
    return "-".join(parts[:words])


def article_path(site: Site, a: Article) -> str:
    """The article's URL path in the site's own CMS style."""
    slug = slugify(a.shown_title or a.blocks[0][1].removeprefix("(HBĐT) - "))
    if site.id == "yenbai":
        return f"/tin-hoat-dong/{a.category}/{slug}-{a.num_id}.html"
    if site.id == "tthue":
        return f"/chinh-tri-xa-hoi/{a.category}/{slug}-a{a.num_id}.html"
    if site.id == "bacninh":
        assert a.published is not None
        return f"/{a.category}/{a.published:%Y%m}/{slug}-{a.num_id}.htm"
    if site.id == "hoabinh":
        return f"/{HOABINH_CATNUM[a.category]}/{a.num_id}/{slug}.htm"
    return f"/tin-tuc/{slug}-{a.num_id}.html"


def listing_path(site: Site, cat: str, page: int = 1) -> str:
    """URL path of page `page` of a category listing (cat == site.all_key for all news)."""
    if site.id == "yenbai":
        base = "/tin-hoat-dong/" if cat == site.all_key else f"/tin-hoat-dong/{cat}/"
        return base if page == 1 else f"{base}trang-{page}.html"
    if site.id == "tthue":
        base = f"/{cat}/" if cat == site.all_key else f"/chinh-tri-xa-hoi/{cat}/"
        return base if page == 1 else f"{base}p{page}.html"
    if site.id == "bacninh":
        return f"/{cat}/" if page == 1 else f"/{cat}/trang-{page}.htm"
    if site.id == "hoabinh":
        base = f"/{HOABINH_CATNUM[cat]}/"
        return base if page == 1 else f"{base}p{page}.htm"
    return f"/chuyen-muc/{cat}/" if page == 1 else f"/chuyen-muc/{cat}/trang-{page}.html"


def cat_label(site: Site, cat: str) -> str:
    """Human label of a category key."""
    return site.all_label if cat == site.all_key else site.cats[cat]


def iso(d: datetime) -> str:
    """ISO 8601 with the Vietnam offset, as CMS metadata writes it."""
    return d.strftime("%Y-%m-%dT%H:%M:%S+07:00")


def byline(site: Site, a: Article) -> str:
    """The visible date line in the site's own format ('' when the site shows none)."""
    d = a.published
    if d is None:
        return ""
    if site.id == "yenbai":
        return f"{d:%d/%m/%Y %H:%M:%S}"
    if site.id == "tthue":
        return f"{d:%d/%m/%Y - %H:%M}"
    if site.id == "bacninh":
        return f"{WEEKDAYS[d.weekday()]}, {d:%d/%m/%Y - %H:%M}"
    if site.id == "hoabinh":
        return f"Cập nhật: {d:%H:%M}, {d:%d/%m/%Y}"
    return ""


def short_date(site: Site, d: datetime | None) -> str:
    """Date as listing and related-news items print it."""
    if d is None or site.id == "nghean":
        return ""
    if site.id == "hoabinh":
        return f"({d:%d/%m/%Y})"
    return f"{d:%d/%m/%Y}"


def head_meta(site: Site, a: Article) -> str:
    """Machine-readable metadata for the article <head>, by site (none for three of five)."""
    title = a.shown_title or site.name
    canonical = f'<link rel="canonical" href="{{{{BASE}}}}{escape(a.path)}">\n'
    if site.metadata == "jsonld" and a.published:
        ld = {
            "@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
            "datePublished": iso(a.published), "dateModified": iso(a.published),
            "author": {"@type": "Person", "name": a.author or "Văn phòng UBND tỉnh"},
            "publisher": {"@type": "Organization", "name": site.name},
        }
        return canonical + f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>\n'
    if site.metadata == "meta" and a.published:
        return canonical + (
            f'<meta property="og:type" content="article">\n'
            f'<meta property="og:title" content="{escape(title)}">\n'
            f'<meta property="og:url" content="{{{{BASE}}}}{escape(a.path)}">\n'
            f'<meta property="article:published_time" content="{iso(a.published)}">\n'
            f'<meta property="article:section" content="{escape(cat_label(site, a.category))}">\n'
        )
    if site.id == "nghean":
        return canonical
    return ""


def header(site: Site) -> str:
    """Site banner and main menu."""
    menu = "".join(
        f'<li><a href="{listing_path(site, c)}">{escape(label)}</a></li>' for c, label in site.cats.items()
    )
    menu = (f'<li><a href="/">Trang chủ</a></li><li><a href="{listing_path(site, site.all_key)}">'
            f"{escape(site.all_label)}</a></li>{menu}<li><a href=\"/gioi-thieu.html\">Giới thiệu</a></li>")
    if site.id == "bacninh":
        brand = '<div class="banner"><a href="/">Bao dien tu Bac Ninh</a></div>'
    elif site.id == "nghean":
        brand = ('<div class="banner"><a href="/"><img src="/static/banner.svg" alt="image banner">'
                 '<span class="alt">image banner</span></a></div>')
    else:
        brand = f'<div class="brand"><a href="/"><img src="/static/logo.svg" alt=""> {escape(site.name)}</a></div>'
    login = '<a class="login" href="/admin/">Đăng nhập</a>' if site.id in {"nghean", "yenbai"} else ""
    search = '<form class="search" action="/tim-kiem.html"><input name="q" placeholder="Tìm kiếm"></form>'
    return f'<header class="top">{brand}{search}{login}</header>\n<nav class="menu"><ul>{menu}</ul></nav>\n'


def sidebar(site: Site, a: Article | None) -> str:
    """Right-hand column: widgets, ads and statistics, different on each site."""
    parts: list[str] = []
    if site.id == "yenbai":
        w = a.extra.get("weather") if a else None
        lines = w if isinstance(w, list) else [
            "15oC", "Thấp nhất 13°C, cao nhất 17°C. Trời nhiều mây, . Áp suất không khí hPa.",
            "Độ ẩm trung bình %. Tốc độ gió km/h"]
        parts.append('<div class="weather"><div class="temp">' + escape(lines[0]) + "</div><p>"
                     + escape(lines[1]) + "<br>" + escape(lines[2]) + "</p></div>")
    if site.id == "tthue":
        parts.append('<div class="box dn"><h3>ĐỒNG HÀNH CÙNG DOANH NGHIỆP</h3>'
                     '<a href="/doanh-nghiep/"><img src="/static/ad.svg" alt="Doanh nghiệp"></a></div>')
    if site.id == "nghean":
        ads = "".join('<li><a href="/lien-ket/"><img src="/static/ad.svg" alt="image advertisement">'
                      '<span class="alt">image advertisement</span></a></li>' for _ in range(10))
        parts.append(f'<ul class="ads">{ads}</ul>')
        parts.append('<div class="stats"><h3>Thống kê truy cập</h3><ul><li>Đang online: 31</li>'
                     "<li>Hôm nay: 1132</li><li>Trong tuần: 10 875</li><li>Trong tháng: 72 747</li>"
                     "<li>Tất cả: 600557</li></ul></div>")
    if site.id == "hoabinh":
        parts.append('<div class="box"><a href="/quang-cao/"><img src="/static/ad.svg" '
                     'alt="image advertisement"></a></div>')
    return f'<aside class="sidebar">{"".join(parts)}</aside>\n' if parts else ""


def footer(site: Site) -> str:
    """Page footer; date-free on purpose (no article date may leak onto dateless pages)."""
    top = '<a class="top-link" href="#">Top</a>' if site.id == "bacninh" else ""
    login = '<a href="/admin/">Đăng nhập</a>' if site.id == "nghean" else ""
    return (f'<footer>{top}<p>{escape(site.name)} - Cơ quan chủ quản: Tỉnh ủy. '
            f"Ghi rõ nguồn khi phát hành lại thông tin từ website này.</p>{login}</footer>\n")


def page(site: Site, title: str, main: str, head_extra: str = "", aside: str = "") -> str:
    """Full HTML document with the site's chrome around `main`."""
    feed = ""
    if site.rss:
        feed = (f'<link rel="alternate" type="application/rss+xml" title="{escape(site.all_label)}" '
                f'href="/rss/{site.all_key}.rss">\n')
    return (
        '<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n"
        f'<link rel="stylesheet" href="/static/style.css">\n{feed}{head_extra}</head>\n'
        f'<body class="site-{site.id}">\n{header(site)}<div class="wrap">\n<main>\n{main}</main>\n'
        f"{aside}</div>\n{footer(site)}</body>\n</html>\n"
    )
