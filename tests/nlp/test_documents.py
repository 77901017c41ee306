from nlp.documents import extract_documents


def names(text: str) -> list[str]:
    return [d.name for d in extract_documents(text)]


def test_national_documents_canonical() -> None:
    text = ("Chỉ thị số 05-CT/TW ngày 15/5/2016, Chỉ thị 05 của Bộ Chính trị, Kết luận số 01-KL/TW, "
            "Quy định 101-QĐ/TW, Nghị quyết Trung ương 4 (khoá XII), Chỉ thị 03-CT/TW")
    assert names(text) == ["Chỉ thị 05-CT/TW", "Kết luận 01-KL/TW", "Quy định 101-QĐ/TW",
                           "Nghị quyết Trung ương 4 khóa XII", "Chỉ thị 03-CT/TW"]


def test_other_issuer_is_distinct() -> None:
    assert names("Thực hiện Chỉ thị 05/CT-TTg của Thủ tướng về xe quá tải") == ["Chỉ thị 05/CT-TTg"]
    assert names("Chỉ thị số 05 của Thủ tướng Chính phủ") == ["Chỉ thị 05/CT-TTg"]


def test_provincial_plans() -> None:
    assert names("Kế hoạch số 125, ngày 15/1/2018 và Chỉ thị 17 của Tỉnh ủy") == ["Kế hoạch 125", "Chỉ thị 17-CT/TU"]
    assert names("Kế hoạch số 166 thực hiện Quy định 124 của Ban Bí thư") == ["Kế hoạch 166", "Quy định 124-QĐ/TW"]
