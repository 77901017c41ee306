import pytest

from nlp.provinces import all_provinces, all_provinces_2025, detect_provinces, province_in_ascii, to_2025


def names(text: str, **kw: str) -> list[str]:
    return [e.name for e in detect_provinces(text, **kw)[2]]


def test_facets_sizes() -> None:
    assert len(all_provinces()) == 63 and len(all_provinces_2025()) == 34
    assert "Thừa Thiên Huế" in all_provinces() and "Huế" in all_provinces_2025()


@pytest.mark.parametrize(("old", "new"), [("Yên Bái", "Lào Cai"), ("Thừa Thiên Huế", "Huế"), ("Hòa Bình", "Phú Thọ"),
                                          ("Bắc Ninh", "Bắc Ninh"), ("tỉnh Hoà Bình", "Phú Thọ"),
                                          ("TP.HCM", "Hồ Chí Minh"), ("Bà Rịa - Vũng Tàu", "Hồ Chí Minh")])
def test_to_2025(old: str, new: str) -> None:
    assert to_2025(old) == new


@pytest.mark.parametrize("text", [
    "Buổi hòa nhạc tại Nhà hát Hòa Bình thu hút khán giả.",
    "Phó Thủ tướng Trương Hòa Bình dự hội nghị.",
    "Người dân xã Hoà Bình Phước phấn khởi.",
    "Người dân phường Vĩnh Phúc đón Tết.",
    "Việt Nam luôn mong muốn hòa bình.",
    "Học tập tư tưởng Hồ Chí Minh.",
])
def test_traps(text: str) -> None:
    main, _, found = detect_provinces(text)
    assert main is None and found == []


@pytest.mark.parametrize(("text", "want"), [
    ("Lãnh đạo TP.HCM và TP HCM, TPHCM", "Hồ Chí Minh"),
    ("Đoàn công tác tỉnh Thừa Thiên - Huế", "Thừa Thiên Huế"),
    ("Tỉnh ủy TT-Huế họp", "Thừa Thiên Huế"),
    ("Nông dân tỉnh Đăk Lăk", "Đắk Lắk"),
    ("UBND tỉnh BR-VT", "Bà Rịa - Vũng Tàu"),
    ("Công an tỉnh Hoà Bình", "Hòa Bình"),
    ("Huyện ủy Mai Châu và huyện Lạc Sơn", "Hòa Bình"),
])
def test_spellings(text: str, want: str) -> None:
    assert detect_provinces(text)[0] == want


def test_priors() -> None:
    assert detect_provinces("Đảng bộ Văn phòng UBND tỉnh họp.", dateline="TTH")[:2] == ("Thừa Thiên Huế", "Huế")
    assert detect_provinces("Đảng bộ tỉnh họp.", source_province="Bắc Ninh")[0] == "Bắc Ninh"
    assert province_in_ascii("Bao dien tu Bac Ninh") == "Bắc Ninh"


def test_counts() -> None:
    main, _, found = detect_provinces("tỉnh Nghệ An ... Báo Nghệ An ... Hà Nội")
    assert main == "Nghệ An" and found[0].count == 2 and names("tỉnh Nghệ An và Hà Nội") == ["Nghệ An", "Hà Nội"]


_PROFILES = ("\nBộ đội Biên phòng tỉnh Bình Định nhận đỡ đầu 56 em; tỉnh Bình Định khen thưởng."
             "\nBà Thia ở huyện Tháp Mười, tỉnh Đồng Tháp dạy bơi miễn phí.")


@pytest.mark.parametrize(("text", "want"), [
    # The lead's event place decides over profiles of people from other provinces.
    ("Triển lãm gương sáng\n\nTriển lãm do Sở Văn hóa Nghệ An tổ chức tại Quảng trường ( TP Vinh ) ." + _PROFILES,
     "Nghệ An"),
    ("Ươm mầm\n\nNgày 8-6 tại TP Đà Lạt, Ban Tuyên giáo trung ương tổ chức giao lưu.\nMái ấm ở tỉnh Lâm Đồng ."
     "\nTrường ở xã Tam Lộc, huyện Phú Ninh, tỉnh Quảng Nam .\nCô giáo tỉnh Quảng Nam .", "Lâm Đồng"),
    # A venue in a capital is where national events are held: a lead that makes the story national (its scope, a
    # central body) is set nowhere; a bare venue named once does not outweigh the profiles either.
    ("Sơ kết\n\nSáng 18/5, tại Hà Nội, Ban Bí thư Trung ương Đảng tổ chức Hội nghị toàn quốc." + _PROFILES, None),
    ("Chung kết\n\nVòng chung kết toàn quốc diễn ra tại Trường ĐH Nguyễn Tất Thành ( Q. 12, TP. HCM ) sáng 9-6 ."
     "\nGiải nhất thuộc về thí sinh ( tỉnh Phú Thọ ) .\nHọp báo tại TP. HCM .", None),
    ("Trao giải\n\nTối 8/6, tại Hà Nội, Ban tổ chức trao giải." + _PROFILES, None),
    # A local or regional event there: the capital, named explicitly, is where the story is set.
    ("Chuyến xe khoa học\n\nNgày 5-6, tại TP. HCM, 215 đại biểu từ bảy tỉnh thành tham dự Liên hoan Thanh niên tiên"
     " tiến miền Đông Nam Bộ .\nAnh Thắng, bí thư Đoàn phường Bình Hòa, thị xã Thuận An, tỉnh Bình Dương, là tác giả"
     " nhiều mô hình .\nĐó là cách gắn bó với mảnh đất Bình Dương .", "Hồ Chí Minh"),
    ("Hội thảo\n\nTS Sơn nói.\n\nHội thảo quốc tế Việt Nam học vừa diễn ra ngày 26-7 tại Đại học KHXH & NV TP. HCM ."
     "\nHọc giả đến từ Nhật Bản, Hàn Quốc.", "Hồ Chí Minh"),
    # The dot of an abbreviated unit ("Q. Thủ Đức", "TP. HCM") does not end the sentence that holds the cue.
    ("Về nguồn\n\nHơn 50 thầy cô giáo tại các trường học ở Q. Thủ Đức ( TP. HCM ) tham gia hành trình về nguồn, về"
     " lại ngôi Trường Dục Thanh ( Phan Thiết ) .\nBảo tàng chi nhánh Bình Thuận.\nTham quan Bảo tàng chi nhánh"
     " Bình Thuận .", "Hồ Chí Minh"),
    # A person's home is not the event's place; a lead spread over several provinces names none.
    ("Vụ án\n\nBị can Thành (quê tại huyện Vĩnh Lộc, Thanh Hóa) bị khởi tố." + _PROFILES, None),
    ("Bắt vợ\n\nVụ bắt vợ tại Nghệ An, Hà Giang và tại tỉnh Lào Cai ." + _PROFILES, None),
    # One passing mention deep in the text is not where the story is set.
    ("Xét xử\n\nBị cáo khai.\nLuật sư nói.\n" + "Phiên tòa tiếp tục. " * 40 + "Cán bộ PC50 Công an Hà Nội .", None),
])
def test_main_from_lead(text: str, want: str | None) -> None:
    assert detect_provinces(text)[0] == want


def _found(text: str) -> list[str]:
    return [e.name for e in detect_provinces(text)[2]]


@pytest.mark.parametrize(("text", "want", "want_2025"), [
    # A 2025 ward or commune (nlp/data/communes_2025.csv) names its province, then and after the merger.
    ("Sáng 1-7, phường Sài Gòn tổ chức lễ công bố nghị quyết. Người dân phường Sài Gòn phấn khởi.",
     "Hồ Chí Minh", "Hồ Chí Minh"),
    ("Chủ tịch UBND xã Nùng Trí Cao cho biết xã Nùng Trí Cao đã hoàn thành việc sắp xếp bộ máy.",
     "Cao Bằng", "Cao Bằng"),
    ("Du khách đến đặc khu Côn Đảo tăng mạnh. Đặc khu Côn Đảo chuẩn bị đón khách.", "Bà Rịa - Vũng Tàu",
     "Hồ Chí Minh"),
    ("Phường Hà Giang 1 ra mắt trung tâm hành chính công; phường Hà Giang 1 có 12 tổ dân phố.", "Hà Giang",
     "Tuyên Quang"),
    ("Công an phường Dĩ An triển khai mô hình Camera an ninh; phường Dĩ An có 30 khu phố.", "Bình Dương",
     "Hồ Chí Minh"),
])
def test_communes_2025(text: str, want: str, want_2025: str) -> None:
    assert detect_provinces(text)[:2] == (want, want_2025)


@pytest.mark.parametrize("text", [
    # Several 2025 provinces have a "phường Thuận An"; a shorter name inside it ("Thuận") is not read instead.
    "Người dân phường Thuận An tham gia ngày hội.",
    # A one-syllable commune ("Đông", Gia Lai) is not read out of a longer name the lists do not hold.
    "Nông dân xã Đông Dư trồng rau an toàn.",
    # Thanh Hóa had a "phường Ba Đình" before 2025: older text may mean it.
    "Thi đua ở phường Ba Đình.",
    # Without the unit word the name is a person ("Nùng Trí Cao") or a common word ("láng giềng").
    "Ông Nùng Trí Cao là một thủ lĩnh người Tày thế kỷ XI.",
    "Ông Trần Văn Láng nói về tình làng nghĩa xóm, láng giềng.",
])
def test_communes_2025_ambiguous(text: str) -> None:
    assert _found(text) == []
