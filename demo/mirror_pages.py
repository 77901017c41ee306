"""HTML, XML and text documents of the mirror: article pages, listings, home, feeds, sitemap, robots."""

from __future__ import annotations

from datetime import timedelta, timezone
from email.utils import format_datetime
from html import escape

from demo.mirror_sites import (
    Site,
    byline,
    cat_label,
    head_meta,
    iso,
    listing_path,
    page,
    short_date,
    sidebar,
)
from demo.mirror_sources import Article

PAGE_SIZE = 10

CSS = """body{font-family:Arial,Helvetica,sans-serif;margin:0;color:#222}
.top{display:flex;gap:1em;align-items:center;padding:.5em 1em;background:#b71c1c;color:#fff}
.top a{color:#fff}.menu ul{display:flex;gap:1em;list-style:none;margin:0;padding:.4em 1em;background:#eee}
.wrap{display:flex;gap:2em;padding:1em}main{flex:3}.sidebar{flex:1}
.alt{font-size:.7em;color:#888}figure{margin:1em 0}figcaption{font-style:italic;font-size:.9em}
.sapo{font-weight:bold}.related li,.list li{margin:.4em 0}.date{color:#777;font-size:.85em}
footer{padding:1em;background:#333;color:#ccc}footer a{color:#fff}
"""


def body_html(a: Article) -> str:
    """The article body: lead, paragraphs, cross-headings and photos with captions."""
    out: list[str] = []
    for kind, text in a.blocks:
        t = escape(text)
        if kind == "lead":
            out.append(f'<p class="sapo">{t}</p>')
        elif kind == "h2":
            out.append(f"<h2>{t}</h2>")
        elif kind == "caption":
            out.append(f'<figure><img src="/static/photo.svg" alt="{t}"><figcaption>{t}</figcaption></figure>')
        else:
            out.append(f"<p>{t}</p>")
    if a.author:
        out.append(f'<p class="author"><strong>{escape(a.author)}</strong></p>')
    if a.republication_of:
        out.append(f'<p class="source">(Theo {escape(a.extra.get("origin_name", "báo bạn"))})</p>')
    return "\n".join(out) + "\n"


def related_html(site: Site, a: Article, others: list[Article]) -> str:
    """The related-news block under the article; its item dates belong here, never in the header."""
    rel = a.extra.get("related_links")
    items: list[str] = []
    if isinstance(rel, list):
        for title, lead, path, d in rel:
            date = f' <span class="date">{escape(short_date(site, d))}</span>' if site.related_dates else ""
            items.append(f'<li><a href="{escape(path)}">{escape(title)}</a>{date}<p>{escape(lead)}</p></li>')
    else:
        for o in others[:6]:
            date = short_date(site, o.published) if site.related_dates else ""
            span = f' <span class="date">{escape(date)}</span>' if date else ""
            items.append(f'<li><a href="{escape(o.path)}">{escape(link_text(o))}</a>{span}</li>')
    out = f'<section class="related"><h3>{escape(site.related_heading)}</h3><ul>{"".join(items)}</ul></section>\n'
    if site.id == "hoabinh":
        # The "browse by day" form of the real site: selectors only, no prefilled date.
        opts = "".join(f"<option>{n}</option>" for n in range(1, 32))
        out += ('<form class="archive" action="/tin-theo-ngay/">Xem các tin đã đưa ngày: '
                f'<select name="d">{opts}</select><select name="m">'
                + "".join(f"<option>{n}</option>" for n in range(1, 13))
                + '</select><input name="y" size="4"> Tin trong: <label><input type="radio" name="s" '
                'value="this" checked> Chuyên mục này</label> <label><input type="radio" name="s" '
                'value="all"> Mọi chuyên mục</label> <button>Xem</button></form>\n')
    return out


def link_text(a: Article) -> str:
    """Anchor text for a listing: the headline, or the lead's opening for the headline-less seed."""
    if a.shown_title:
        return a.shown_title
    lead = a.blocks[0][1].removeprefix("(HBĐT) - ")
    return " ".join(lead.split()[:14]) + "…"


def article_page(site: Site, a: Article, others: list[Article]) -> str:
    """A full article page with the site's header, byline, body and furniture."""
    cat = escape(cat_label(site, a.category))
    crumb_link = f'<a href="{listing_path(site, a.category)}">{cat}</a>'
    parent = f'<a href="{listing_path(site, site.all_key)}">{escape(site.parent_label)}</a>'
    when = byline(site, a)
    date = f'<span class="date">{escape(when)}</span>' if when else ""
    h1 = f'<h1 class="title">{escape(a.shown_title)}</h1>\n' if a.shown_title else ""
    share = ""
    if site.id == "yenbai":
        crumbs = f'<div class="breadcrumb">{parent} &gt;&gt; {crumb_link}</div>\n'
        head = (f'{crumbs}{h1}<div class="meta">{date} <span class="fontsize">Xem cỡ chữ '
                '<a href="#">A-</a> <a href="#">A+</a></span> <a href="#" class="gtranslate">Google</a></div>\n')
    elif site.id == "tthue":
        head = f'<div class="breadcrumb">{parent} {crumb_link}</div>\n<div class="meta">{date}</div>\n{h1}'
        share = ('<div class="share">Chia sẻ bài viết <a href="#">Facebook</a> <a href="#">Zalo</a> '
                 '<a href="#">In bài</a></div>\n')
    elif site.id == "bacninh":
        head = f'<div class="meta">{date}</div>\n{h1}'
    elif site.id == "hoabinh":
        crumbs = f'<div class="breadcrumb">{parent} / {crumb_link}</div>\n'
        head = f"{crumbs}{h1}" + (f'<div class="meta">{date}</div>\n' if date else "")
    else:
        head = (f'<div class="page-title">{escape(a.shown_title or "")}</div>\n'
                f'<div class="meta">Lượt xem: {a.views}</div>\n{h1}')
    main = (f'<article class="detail">\n<div class="article-header">\n{head}</div>\n'
            f'<div class="article-body">\n{body_html(a)}</div>\n</article>\n{share}'
            f"{related_html(site, a, others)}")
    title = f"{a.shown_title} - {site.name}" if a.shown_title else site.name
    return page(site, title, main, head_meta(site, a), sidebar(site, a))


def listing_pages(site: Site, cat: str, arts: list[Article], tracked: Article | None = None) -> dict[str, str]:
    """All pages of one category listing, PAGE_SIZE links each, newest first, with a pager."""
    out: dict[str, str] = {}
    chunks = [arts[i : i + PAGE_SIZE] for i in range(0, len(arts), PAGE_SIZE)] or [[]]
    label = escape(cat_label(site, cat))
    for n, chunk in enumerate(chunks, 1):
        items = "".join(list_item(site, a, comments_link(a) if a is tracked else "") for a in chunk)
        pager = " ".join(
            f"<b>{k}</b>" if k == n else f'<a href="{listing_path(site, cat, k)}">{k}</a>'
            for k in range(1, len(chunks) + 1)
        )
        if n < len(chunks):
            pager += f' <a rel="next" href="{listing_path(site, cat, n + 1)}">Trang sau »</a>'
        main = f'<h1 class="cat">{label}</h1>\n<ul class="list">{items}</ul>\n<div class="pager">{pager}</div>\n'
        out[listing_path(site, cat, n)] = page(site, f"{cat_label(site, cat)} - {site.name}", main,
                                                aside=sidebar(site, None))
    return out


def list_item(site: Site, a: Article, extra_links: str = "") -> str:
    """One listing entry: link, date where the site prints one, lead excerpt."""
    date = short_date(site, a.published) if a.published else ""
    span = f' <span class="date">{escape(date)}</span>' if date else ""
    lead = " ".join(a.blocks[0][1].split()[:40])
    return (f'<li><a href="{escape(a.path)}">{escape(link_text(a))}</a>{span}{extra_links}'
            f'<p>{escape(lead)}…</p></li>')


def comments_link(a: Article) -> str:
    """A "Bình luận" link: the same article again, with a #comments fragment."""
    return f' <a class="comments" href="{escape(a.path)}#comments">Bình luận</a>'


def home_page(site: Site, arts: list[Article], tracked: Article | None) -> str:
    """Home page: the ten newest stories per category block; one link may carry tracking noise."""
    blocks: list[str] = []
    for cat in site.cats:
        in_cat = [a for a in arts if a.category == cat][:5]
        items = []
        for a in in_cat:
            items.append(list_item(site, a, comments_link(a) if a is tracked else ""))
        blocks.append(f'<section><h2><a href="{listing_path(site, cat)}">{escape(site.cats[cat])}</a></h2>'
                      f'<ul class="list">{"".join(items)}</ul></section>')
    hot = ""
    if tracked is not None:
        hot = (f'<div class="hot"><a href="{escape(tracked.path)}?utm_source=facebook&amp;utm_medium=social'
               f'&amp;utm_campaign=tin-noi-bat">{escape(link_text(tracked))}</a></div>\n')
    main = f'<h1 class="home">{escape(site.name)}</h1>\n{hot}' + "\n".join(blocks) + "\n"
    return page(site, site.name, main, aside=sidebar(site, None))


def about_page(site: Site) -> str:
    """A non-article page ("Giới thiệu")."""
    main = (f'<h1>Giới thiệu</h1>\n<p>{escape(site.name)} là cơ quan thông tin của tỉnh, cung cấp tin tức về '
            "hoạt động của Đảng, chính quyền và đời sống nhân dân trên địa bàn.</p>\n"
            "<p>Liên hệ: Ban biên tập, điện thoại (0200) 000 000.</p>\n")
    return page(site, f"Giới thiệu - {site.name}", main)


def admin_page(site: Site) -> str:
    """The CMS login behind /admin/ (robots.txt disallows it)."""
    main = ('<h1>Đăng nhập quản trị</h1><form method="post"><input name="user"> '
            '<input name="pass" type="password"> <button>Đăng nhập</button></form>\n')
    return page(site, "Quản trị", main)


def robots_txt(site: Site) -> str:
    """robots.txt: allow all but /admin/, announce the sitemap (server rewrites {{BASE}})."""
    return "User-agent: *\nDisallow: /admin/\nAllow: /\n\nSitemap: {{BASE}}/sitemap.xml\n"


def sitemap_xml(arts: list[Article]) -> str:
    """urlset with every article; <lastmod> where a date is known to the CMS."""
    rows = []
    for a in arts:
        lm = f"<lastmod>{iso(a.lastmod)}</lastmod>" if a.lastmod else ""
        rows.append(f"  <url><loc>{{{{BASE}}}}{escape(a.path)}</loc>{lm}</url>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + "\n".join(rows) + "\n</urlset>\n")


def rss_xml(site: Site, cat: str, arts: list[Article]) -> str:
    """RSS 2.0 feed of a category (newest 20)."""
    items = []
    for a in arts[:20]:
        pub = f"<pubDate>{format_datetime(a.published.replace(tzinfo=TZ))}</pubDate>" if a.published else ""
        items.append(
            f"<item><title>{escape(a.shown_title or '')}</title><link>{{{{BASE}}}}{escape(a.path)}</link>"
            f'<guid isPermaLink="true">{{{{BASE}}}}{escape(a.path)}</guid>{pub}'
            f"<description>{escape(a.blocks[0][1])}</description></item>"
        )
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
            f"<title>{escape(site.name)} - {escape(cat_label(site, cat))}</title><link>{{{{BASE}}}}/</link>"
            f"<description>{escape(cat_label(site, cat))}</description><language>vi</language>\n"
            + "\n".join(items) + "\n</channel></rss>\n")


# Vietnam has no DST: a fixed +07:00 offset is exact.
TZ = timezone(timedelta(hours=7), "+07")

SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60"><rect width="120" height="60" '
       'fill="#ddd"/></svg>\n')
