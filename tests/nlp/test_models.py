from nlp.models import extract_models, model_key


def names(text: str) -> list[str]:
    return [m.name for m in extract_models(text)]


def test_quoted_and_unquoted() -> None:
    assert names('Đảng bộ xây dựng mô hình “Thân thiện và trách nhiệm”.') == ["Thân thiện và trách nhiệm"]
    assert names("Hội phụ nữ duy trì mô hình bát gạo nghĩa tình đã tiết kiệm 5 tấn gạo.") == ["bát gạo nghĩa tình"]
    assert names("Huyện nhân rộng mô hình Dân vận khéo trong nhân dân.") == ["Dân vận khéo"]
    got = names('Kho bạc với mô hình 3 không: "Không trễ hẹn, không gây phiền hà".')
    assert got == ["3 không", "Không trễ hẹn, không gây phiền hà"]


def test_an_unquoted_name_stays_on_its_line() -> None:
    # A title ending in a model's name ran on into the body: "bát gạo nghĩa tình Học tập".
    assert names("Nhân rộng mô hình bát gạo nghĩa tình\n\nHọc tập và làm theo Bác, hội phụ nữ duy trì.") == [
        "bát gạo nghĩa tình"]
    assert names("Nhân rộng mô hình Dân vận khéo\nCác xã đều làm theo.") == ["Dân vận khéo"]


def test_generic_phrases_left_out() -> None:
    assert names("Phát hiện những mô hình hay, các mô hình điểm, mô hình hiện đại.") == []
    assert names("Đẩy mạnh phong trào thi đua yêu nước và phong trào thanh niên.") == []
    assert names('Với tinh thần "việc gì có lợi cho dân ta phải hết sức làm" như lời Bác Hồ dạy.') == []
    # A one-word quote, or a two-word one in lower case, is a scare quote, not a name (a known model is
    # still found by its name; "4 an" and "Sống đẹp" are names).
    assert names('Cán bộ có tác phong khoa học, không "dốt", không rập khuôn.') == []
    assert names('Tác phong công tác tốt, xứng đáng là "công bộc" của dân.') == []
    assert names('Các trường xây dựng câu lạc bộ "chuyên môn" cho học sinh.') == []
    assert names('Phong trào "Sống đẹp" và chương trình "4 an" lan tỏa.') == ["Sống đẹp", "4 an"]
    assert names('Xã làm theo mô hình "OCOP".') == ["Mỗi xã một sản phẩm"]


def test_chained_quotes() -> None:
    got = names('hoạt động nhân đạo như “Bát cháo tình thương”, “Áo ấm mùa đông”, đỡ đầu thiếu nhi.')
    assert got == ["Bát cháo tình thương", "Áo ấm mùa đông"]


def test_model_key_groups_variants() -> None:
    assert model_key("Mô hình “Dân vận khéo”") == model_key("dân vận khéo") == model_key("DÂN VẬN KHÉO")
    assert model_key("mô hình 'Thân thiện và trách nhiệm'") == model_key("Thân thiện và trách nhiệm")
    assert model_key("OCOP") == model_key("mỗi xã một sản phẩm")
    assert model_key("Hoà nhập") == model_key("Hòa nhập")


def test_group_models_short_and_long_forms() -> None:
    from nlp.models import group_models

    full = "Phát huy truyền thống, cống hiến tài năng, xứng danh Bộ đội Cụ Hồ"
    g = group_models(["xứng danh Bộ đội Cụ Hồ", "Xứng danh Bộ đội Cụ Hồ", full, full, "Phát huy truyền thống",
                      "Dân vận khéo", "Mô hình “Dân vận khéo”", "Dân vận"])
    assert g["xứng danh Bộ đội Cụ Hồ"] == g["Xứng danh Bộ đội Cụ Hồ"] == full
    assert g["Phát huy truyền thống"] == full  # a leading clause run
    assert g["Dân vận khéo"] == g["Mô hình “Dân vận khéo”"]  # same model_key
    assert g["Dân vận"] == "Dân vận"  # a word prefix is not a clause: not grouped


def test_group_models_shared_clause_is_ambiguous() -> None:
    from nlp.models import group_models

    a, b = "Vì nhân dân phục vụ, an toàn giao thông", "Vì nhân dân phục vụ, giữ gìn trật tự"
    g = group_models([a, b, "Vì nhân dân phục vụ"])
    assert g["Vì nhân dân phục vụ"] == "Vì nhân dân phục vụ"
    assert g[a] == a and g[b] == b
