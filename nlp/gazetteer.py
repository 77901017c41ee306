"""The province gazetteer: 63 provinces before 1 July 2025, 34 after, spellings, places, datelines.

Canonical names carry no "Tỉnh"/"Thành phố" prefix ("Yên Bái", "Thừa Thiên Huế", "Hồ Chí Minh");
2025 names are those of the merger resolution ("Huế", "Lào Cai", "Phú Thọ").
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from nlp._data import DataError, load_csv
from nlp.normalize import fold, normalize

__all__ = ["Province", "provinces", "provinces_2025", "places", "districts", "communes", "communes_2025",
           "commune_names", "datelines", "lookup", "to_2025", "all_provinces", "all_provinces_2025"]


@dataclass(frozen=True)
class Province:
    """One pre-2025 province and how it may be written."""

    code: str
    name: str
    kind: str  # "tỉnh" or "thành phố"
    code_2025: str
    name_2025: str
    ambiguous: bool  # the bare name is also a common word or person name ("Hòa Bình", "Thái Bình")
    bare: bool  # may the bare name stand alone? ("Hồ Chí Minh" alone is the President)
    aliases: tuple[str, ...]


@functools.cache
def provinces() -> tuple[Province, ...]:
    """The 63 pre-2025 provinces, in official code order.

    >>> provinces()[0].name, len(provinces())
    ('Hà Nội', 63)
    """
    new = {p["code"]: p["name"] for p in provinces_2025_rows()}
    out = []
    for row in load_csv("provinces.csv", ("code", "name", "kind", "code_2025", "name_2025")):
        where = f"nlp/data/provinces.csv: {row['name']!r}"
        if row["code_2025"] not in new:
            raise DataError(f"{where}: code_2025 {row['code_2025']!r} is not in provinces_2025.csv")
        if normalize(row["name_2025"]) != new[row["code_2025"]]:
            raise DataError(f"{where}: name_2025 {row['name_2025']!r} disagrees with provinces_2025.csv")
        if row["kind"] not in ("tỉnh", "thành phố"):
            raise DataError(f"{where}: kind {row['kind']!r} must be 'tỉnh' or 'thành phố'")
        aliases = tuple(normalize(a) for a in (row.get("aliases") or "").split(";") if a.strip())
        out.append(Province(row["code"], normalize(row["name"]), row["kind"], row["code_2025"],
                            normalize(row["name_2025"]), row.get("ambiguous") == "1", row.get("bare") != "0",
                            aliases))
    if len(out) != 63:
        raise DataError(f"nlp/data/provinces.csv: expected 63 provinces, found {len(out)}")
    return tuple(out)


@functools.cache
def provinces_2025_rows() -> tuple[dict[str, str], ...]:
    rows = tuple({**r, "name": normalize(r["name"])} for r in load_csv("provinces_2025.csv", ("code", "name")))
    if len(rows) != 34:
        raise DataError(f"nlp/data/provinces_2025.csv: expected 34 provinces, found {len(rows)}")
    return rows


def provinces_2025() -> tuple[str, ...]:
    """Names of the 34 provinces after the 1 July 2025 merger."""
    return tuple(r["name"] for r in provinces_2025_rows())


@functools.cache
def _by_key() -> dict[str, Province]:
    index: dict[str, Province] = {}
    for p in provinces():
        for form in (p.name, *p.aliases, f"{p.kind} {p.name}"):
            index[fold(form)] = p
    return index


def lookup(name: str | None) -> Province | None:
    """The province written NAME (any spelling, with or without prefix, accents optional).

    >>> lookup("TP.HCM").name, lookup("tỉnh Hoà Bình").name, lookup("Thua Thien - Hue").name
    ('Hồ Chí Minh', 'Hòa Bình', 'Thừa Thiên Huế')
    """
    if not name:
        return None
    key = fold(name).strip(" .")
    for prefix in ("tinh ", "thanh pho ", "tp. ", "tp ", "tp."):
        if key.startswith(prefix) and key[len(prefix):] in _by_key():
            return _by_key()[key[len(prefix):]]
    return _by_key().get(key)


def to_2025(name: str | None) -> str | None:
    """The post-merger province of a pre-2025 province (or of a 2025 name, itself).

    >>> to_2025("Yên Bái"), to_2025("Thừa Thiên Huế"), to_2025("Hòa Bình")
    ('Lào Cai', 'Huế', 'Phú Thọ')
    """
    p = lookup(name)
    if p is not None:
        return p.name_2025
    if name and normalize(name) in provinces_2025():
        return normalize(name)
    return None


def all_provinces() -> list[str]:
    """The 63 pre-2025 province names, for facets."""
    return [p.name for p in provinces()]


def all_provinces_2025() -> list[str]:
    """The 34 post-2025 province names, for facets."""
    return list(provinces_2025())


@functools.cache
def places() -> dict[str, tuple[Province, bool]]:
    """District/town/city name → (its province, may it appear without a prefix)."""
    out: dict[str, tuple[Province, bool]] = {}
    for row in load_csv("places.csv", ("name", "province", "bare")):
        p = lookup(row["province"])
        if p is None:
            raise DataError(f"nlp/data/places.csv: {row['name']!r}: unknown province {row['province']!r}")
        out[normalize(row["name"])] = (p, row["bare"] == "1")
    return out


@functools.cache
def districts() -> dict[str, Province]:
    """District name (as written after "huyện"/"quận"/"thị xã"/"thành phố") → its province, for the names
    that only one province uses (nlp/data/districts.csv, the official pre-2025 list).

    >>> districts()["Tương Dương"].name, "Châu Thành" in districts(), districts()["12"].name
    ('Nghệ An', False, 'Hồ Chí Minh')
    """
    by_code = {p.code: p for p in provinces()}
    owners: dict[str, set[str]] = {}
    for row in load_csv("districts.csv", ("province", "type", "name")):
        if row["province"] not in by_code:
            raise DataError(f"nlp/data/districts.csv: {row['name']!r}: unknown province code {row['province']!r}")
        owners.setdefault(normalize(row["name"]), set()).add(row["province"])
    return {name: by_code[next(iter(codes))] for name, codes in owners.items() if len(codes) == 1}


@functools.cache
def communes() -> dict[str, Province]:
    """Commune/ward name (as written after "xã"/"phường"/"thị trấn"/"đặc khu") → its pre-2025 province.

    Before 2025 (nlp/data/communes.csv): names only one province used, that name no province or district of
    another province. From 2025 (`communes_2025`): names one new province uses, whose old communes lay in one old
    province. A name the two lists give to provinces that are not one after the merger means different places in
    older and newer text, and is left out.

    >>> communes()["Nhôn Mai"].name, communes()["Sài Gòn"].name, communes()["Nùng Trí Cao"].name_2025
    ('Nghệ An', 'Hồ Chí Minh', 'Cao Bằng')
    """
    by_code = {p.code: p for p in provinces()}
    province_names = {p.name for p in provinces()} | set(provinces_2025())
    old: dict[str, Province] = {}
    for row in load_csv("communes.csv", ("province", "name")):
        if row["province"] not in by_code:
            raise DataError(f"nlp/data/communes.csv: {row['name']!r}: unknown province code {row['province']!r}")
        name = normalize(row["name"])
        p = by_code[row["province"]]
        other = districts().get(name)
        if name not in province_names and (other is None or other == p):
            old[name] = p
    new, new_everywhere = communes_2025()
    out = {name: p for name, p in old.items() if new_everywhere.get(name, {p.name_2025}) == {p.name_2025}}
    for name, (p, name_2025) in new.items():
        if name in province_names or (name in old and old[name].name_2025 != name_2025):
            continue
        if p is not None and name not in out:
            out[name] = p
    return out


@functools.cache
def commune_names() -> frozenset[str]:
    """Every commune/ward name of both lists, usable or not: a longer name that is one is not read as a shorter
    one ("phường Thuận An" is not "xã Thuận")."""
    rows = load_csv("communes.csv", ("province", "name")) + load_csv("communes_2025.csv", ("province_2025", "name"))
    return frozenset(normalize(r["name"]) for r in rows)


@functools.cache
def communes_2025() -> tuple[dict[str, tuple[Province | None, str]], dict[str, set[str]]]:
    """(usable 2025 commune name → (its pre-2025 province, None when it straddles an old border; its 2025
    province), every 2025 commune name → the 2025 provinces using it), from nlp/data/communes_2025.csv.

    Usable: one new province uses the name, and no pre-2025 commune or district of a province now in another
    new province bore it (older text would mean that one).

    >>> usable, _ = communes_2025()
    >>> usable["Sài Gòn"][0].name, usable["Sài Gòn"][1], "Ba Đình" in usable
    ('Hồ Chí Minh', 'Hồ Chí Minh', False)
    """
    by_code = {p.code: p for p in provinces()}
    new_names = {r["code"]: r["name"] for r in provinces_2025_rows()}
    rows = load_csv("communes_2025.csv", ("province_2025", "type", "name", "province"))
    everywhere: dict[str, set[str]] = {}
    for row in rows:
        where = f"nlp/data/communes_2025.csv: {row['name']!r}"
        if row["province_2025"] not in new_names:
            raise DataError(f"{where}: unknown 2025 province code {row['province_2025']!r}")
        for code in row["province"].split(";") + [c for c in (row.get("namesakes") or "").split(";") if c]:
            if code not in by_code:
                raise DataError(f"{where}: unknown pre-2025 province code {code!r}")
        everywhere.setdefault(normalize(row["name"]), set()).add(new_names[row["province_2025"]])
    usable: dict[str, tuple[Province | None, str]] = {}
    for row in rows:
        name, name_2025 = normalize(row["name"]), new_names[row["province_2025"]]
        namesakes = [by_code[c] for c in (row.get("namesakes") or "").split(";") if c]
        if len(everywhere[name]) > 1 or any(p.name_2025 != name_2025 for p in namesakes):
            continue
        olds = row["province"].split(";")
        usable[name] = (by_code[olds[0]] if len(olds) == 1 else None, name_2025)
    return usable, everywhere


@functools.cache
def datelines() -> dict[str, Province]:
    """Dateline code ("TTH", "HBĐT") → province."""
    out: dict[str, Province] = {}
    for row in load_csv("datelines.csv", ("code", "province")):
        p = lookup(row["province"])
        if p is None:
            raise DataError(f"nlp/data/datelines.csv: {row['code']!r}: unknown province {row['province']!r}")
        out[normalize(row["code"])] = p
    return out
