from nlp.relevance import relevance
from nlp.themes import all_themes, detect_themes, query_themes


def test_themes() -> None:
    text = "Đẩy mạnh cải cách hành chính, giải quyết thủ tục hành chính trực tuyến qua Bộ phận Một cửa."
    assert detect_themes(text) == ["cải cách hành chính"]
    poverty = "Hội nghị giảm nghèo, hỗ trợ hộ nghèo xây nhà đại đoàn kết."
    assert detect_themes(poverty) == ["an sinh xã hội - giảm nghèo"]
    assert "chuyển đổi số" in all_themes()


def test_relevance_ordering() -> None:
    phrase = "học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"
    strong = relevance(phrase, f"Thực hiện Chỉ thị 05-CT/TW, cán bộ {phrase}.")
    passing = relevance("Khánh thành cầu", "Tuổi trẻ làm theo lời Bác, khánh thành cầu mới.")
    other = relevance("Xe quá tải", "Thực hiện Chỉ thị 05/CT-TTg của Thủ tướng về xe quá tải.")
    none = relevance("Giá lúa tăng", "Giá lúa tăng mạnh trong tuần.")
    assert strong > 0.8 > 0.3 > passing > other >= none == 0.0


def test_query_themes() -> None:
    # One weighty term of the lexicon is enough in a few words; accents and tone placement do not matter.
    farmers = query_themes("nông dân làm kinh tế giỏi giúp người nghèo")
    assert farmers == ["an sinh xã hội - giảm nghèo", "nông thôn mới"]
    assert query_themes("nong dan giup nguoi ngheo")[0] == "an sinh xã hội - giảm nghèo"
    assert query_themes("cần kiệm liêm chính chí công vô tư") == ["đạo đức công vụ"]
    assert query_themes("Hội Luật gia Việt Nam") == []
