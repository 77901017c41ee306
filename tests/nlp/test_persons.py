from nlp.organizations import extract_organizations
from nlp.persons import extract_persons


def names(text: str) -> list[str]:
    return [p.name for p in extract_persons(text)]


def test_titles_and_positions() -> None:
    text = ("Bí thư Chi bộ Nội chính- Văn xã Nguyễn Hữu Phước cho hay. Trực tiếp đồng chí Chủ tịch UBND huyện "
            "Phạm Văn Hoàn đã chỉ đạo. Chị Phùng Thị Hải, công chức tư pháp.")
    assert names(text) == ["Nguyễn Hữu Phước", "Phạm Văn Hoàn", "Phùng Thị Hải"]


def test_not_persons() -> None:
    assert names("Học tập tư tưởng Hồ Chí Minh, chủ nghĩa Mác - Lê Nin tại huyện Mai Châu, đường Lê Lợi.") == []
    assert names("Tỉnh Đoàn Hòa Bình tổ chức hội nghị.") == []


def test_trap_person_named_like_province() -> None:
    assert names("Phó Thủ tướng Trương Hòa Bình dự hội nghị.") == ["Trương Hòa Bình"]


def test_organizations() -> None:
    got = [o.name for o in extract_organizations("Đảng bộ Sở Tài nguyên và Môi trường và UBND tỉnh Nghệ An")]
    assert "Đảng bộ Sở Tài nguyên và Môi trường" in got and "Ủy ban nhân dân tỉnh Nghệ An" in got
