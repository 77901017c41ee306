"""The report's wording, shared by the web page, the printable view and the Word document."""

from __future__ import annotations

from typing import Any

from index.facets import UNKNOWN

#: Section headings, numbered as an administrative report numbers them.
SECTIONS = {
    "scope": "I. PHẠM VI VÀ NGUỒN SỐ LIỆU",
    "headline": "II. SỐ LIỆU CHUNG",
    "months": "III. DIỄN BIẾN THEO THỜI GIAN",
    "provinces": "IV. PHÂN BỐ THEO TỈNH, THÀNH",
    "models": "V. MÔ HÌNH ĐIỂN HÌNH",
    "people": "VI. GƯƠNG ĐIỂN HÌNH, CƠ QUAN, ĐƠN VỊ ĐƯỢC NÊU",
    "documents": "VII. VĂN BẢN ĐƯỢC DẪN",
    "phrases": "VIII. TỪ KHÓA NỔI BẬT CỦA KỲ BÁO CÁO",
    "assessment": "IX. ĐÁNH GIÁ CHUNG VÀ ĐỀ XUẤT",
}


def num(value: int | None) -> str:
    """1234567 → "1.234.567" (Vietnamese thousands separator)."""
    return f"{int(value or 0):,}".replace(",", ".")


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%".replace(".", ",") if whole else "–"


def vn_date(iso: str | None) -> str:
    if not iso or len(iso) < 10:
        return "không rõ ngày"
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}"


class Text:
    """Sentences and table rows of one report."""

    def __init__(self, report: dict[str, Any]) -> None:
        self.r = report
        self.h = report["headline"]

    def place_date(self) -> str:
        g = self.r["generated"]
        return f"…, ngày {int(g[8:10])} tháng {int(g[5:7])} năm {g[:4]}"

    def title_lines(self) -> list[str]:
        s = self.r["scope"]
        return ["Kết quả thông tin, tuyên truyền việc thực hiện Chỉ thị 05-CT/TW",
                f"trên báo chí: {s['place']}, {s['period']}"]

    def scope_lines(self) -> list[str]:
        s = self.r["scope"]
        lines = [
            f"Báo cáo tổng hợp các tin, bài đăng trên báo chí về {s['place']}, {s['period']}; phạm vi: "
            f"{s['scope_label']}; tỉnh, thành tính theo {s['era_label']}.",
        ]
        if s["conditions"]:
            lines.append("Điều kiện lọc: " + "; ".join(s["conditions"]) + ".")
        lines.append("Số liệu lấy từ kho lưu trữ CT05 bằng đúng truy vấn của trang tìm kiếm với cùng điều kiện; "
                     "một tin bài được nhiều báo đăng lại chỉ tính là một tin bài, số bài đăng kể cả đăng lại "
                     "được nêu riêng.")
        return lines

    def headline_rows(self) -> list[list[str]]:
        h = self.h
        return [
            ["Tổng số bài đăng (kể cả đăng lại)", num(h["stories"])],
            ["Số tin bài (không tính bài đăng lại)", num(h["unique"])],
            ["Số bài đăng lại từ báo khác", num(h["republications"])],
            ["Số nguồn báo", num(h["sources"])],
            ["Số tỉnh, thành có tin bài", num(h["provinces"])],
            ["Số mô hình được nêu", num(h["models"])],
            ["Tin bài không rõ tỉnh, thành", num(h["unplaced"])],
            ["Tin bài không rõ ngày đăng" + (" (ngoài kỳ báo cáo, không tính ở trên)"
                                             if self.r["months"]["period_excludes_undated"] else ""),
             num(h["undated"])],
        ]

    def headline_notes(self) -> list[str]:
        out = [self.undated_line()]
        if self.h["unplaced"]:
            out.append(f"Có {num(self.h['unplaced'])} tin bài không xác định được tỉnh, thành; các tin bài này "
                       "được tính vào tổng số và ghi ở dòng “Không rõ” của bảng theo tỉnh, thành.")
        return [line for line in out if line]

    def undated_line(self) -> str:
        m = self.r["months"]
        if not m["undated"]:
            return ""
        if m["period_excludes_undated"]:
            return (f"Ngoài ra có {num(m['undated'])} tin bài không rõ ngày đăng khớp các điều kiện còn lại; "
                    "vì không rõ ngày nên không xếp được vào kỳ báo cáo và không được tính ở trên.")
        return (f"Trong tổng số có {num(m['undated'])} tin bài không rõ ngày đăng: được tính vào tổng số "
                "nhưng không có trong biểu đồ theo tháng.")

    def month_lines(self) -> list[str]:
        m = self.r["months"]
        if not m["series"]:
            return ["Không có tin bài nào có ngày đăng trong phạm vi báo cáo."]
        first, last = m["series"][0][0], m["series"][-1][0]
        peak_month, peak = m["peak"]
        lines = [f"Từ tháng {first[5:7]}/{first[:4]} đến tháng {last[5:7]}/{last[:4]} có "
                 f"{num(sum(c for _m, c in m['series']))} tin bài có ngày đăng; nhiều nhất là tháng "
                 f"{peak_month[5:7]}/{peak_month[:4]} với {num(peak)} tin bài."]
        inside = [ms["label"] for ms in m["milestones"] if ms["in_range"]]
        if inside:
            lines.append("Các mốc được đánh dấu trên biểu đồ: " + "; ".join(inside) + ".")
        return lines

    def chart_caption(self) -> str:
        colours = ("đỏ", "xanh lá")
        marks = [f"vạch {colours[i % 2]}: {ms['label']}" for i, ms in enumerate(self.r["months"]["milestones"])
                 if ms["in_range"]]
        return "Biểu đồ: số tin bài theo tháng" + (f" ({'; '.join(marks)})" if marks else "") + "."

    def province_intro(self) -> str:
        p = self.r["provinces"]
        return (f"Bảng dưới đây phân bố {num(p['total']['unique'])} tin bài ({num(p['total']['articles'])} bài "
                f"đăng kể cả đăng lại) theo tỉnh, thành; dòng “Không rõ” là các tin bài không xác định được "
                "tỉnh, thành.")

    def province_rows(self) -> list[list[str]]:
        p = self.r["provinces"]
        whole = p["total"]["unique"]
        rows = [[str(i), r["name"], num(r["unique"]), num(r["articles"]), percent(r["unique"], whole)]
                for i, r in enumerate(p["rows"], 1)]
        u = p["unknown"]
        rows.append([str(len(rows) + 1), u["name"], num(u["unique"]), num(u["articles"]), percent(u["unique"], whole)])
        rows.append(["", "Tổng cộng", num(whole), num(p["total"]["articles"]), percent(whole, whole)])
        return rows

    def province_notes(self) -> list[str]:
        p = self.r["provinces"]
        if p["overlap"] > 0:
            return [f"{num(p['overlap'])} tin bài được báo ở nhiều tỉnh, thành đăng lại nên được tính ở mỗi tỉnh, "
                    "thành; cột “Số tin bài” vì vậy cộng lại lớn hơn tổng số."]
        return []

    def model_lines(self, model: dict[str, Any]) -> list[str]:
        def places(items: list[dict[str, Any]]) -> str:
            known = ", ".join(f"{d['name']} ({num(d['count'])} bài)" for d in items if d["name"] != UNKNOWN)
            unknown = sum(d["count"] for d in items if d["name"] == UNKNOWN)
            if not unknown:
                return known
            return f"{known}; {num(unknown)} bài chưa rõ tỉnh, thành" if known else \
                f"chưa rõ tỉnh, thành ({num(unknown)} bài)"

        lines = []
        if model["implemented_in"]:
            lines.append(f"Nơi thực hiện: {places(model['implemented_in'])}.")
        else:
            lines.append("Chưa có tin bài nào nêu rõ đơn vị, địa phương thực hiện mô hình.")
        named = model["mentioned_in"]
        if named and all(d["name"] == UNKNOWN for d in named):
            lines.append(f"Được nhắc đến (không nêu nơi thực hiện) trong {num(named[0]['count'])} bài chưa rõ tỉnh, "
                         "thành.")
        elif named:
            lines.append(f"Được nhắc đến (không nêu nơi thực hiện) tại: {places(named)}.")
        if model["read"] < model["total"]:
            lines.append(f"(Dựa trên {num(model['read'])} tin bài mới nhất trong số {num(model['total'])}.)")
        if model["examples"]:
            lines.append("Tin bài tiêu biểu:")
        return lines

    def sample_line(self) -> str:
        s = self.r["sample"]
        if s["read"] < s["of"]:
            return (f"Số liệu mục này và mục VIII tính trên {num(s['read'])} tin bài mới nhất trong số "
                    f"{num(s['of'])} tin bài của phạm vi báo cáo; mỗi người, đơn vị đếm một lần trong một tin bài.")
        return (f"Số liệu tính trên toàn bộ {num(s['of'])} tin bài của phạm vi báo cáo; mỗi người, đơn vị "
                "đếm một lần trong một tin bài.")

    def phrases_line(self) -> str:
        items = self.r["phrases"]
        if not items:
            return "Chưa có dữ liệu tách từ cho các tin bài của phạm vi báo cáo."
        # Listed by occurrences: with only the article count beside them, "(8 bài)" after "(5 bài)" looked
        # out of order, so both counts are given.
        return "Các cụm từ xuất hiện nhiều trong kỳ: " + "; ".join(
            f"“{p['name']}” ({num(p['count'])} lần, {num(p['articles'])} bài)" for p in items) + "."

    def assessment_lines(self) -> list[str]:
        return ["[Phần này do cán bộ hoàn thiện: ưu điểm, hạn chế trong công tác thông tin, tuyên truyền; "
                "mô hình, điển hình cần nhân rộng; đề xuất, kiến nghị.]"]
