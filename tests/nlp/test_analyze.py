from pathlib import Path

import pytest

from nlp.analyze import AnalyzeError, analyze_file


def test_errors(tmp_path: Path) -> None:
    cases = {
        "empty.txt": b"  \n",
        "binary.txt": b"\x00\x01\x02PNG" * 100,
        "english.txt": b"This is an English news article about the weather and the economy. " * 20,
        "latin1.txt": "Hòa Bình".encode("latin-1", "replace") + b"\xe9\xff" * 50,
    }
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(AnalyzeError, match=name):
            analyze_file(path)
    with pytest.raises(AnalyzeError, match="cannot read"):
        analyze_file(tmp_path / "missing.txt")


def test_enormous(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import nlp.analyze

    monkeypatch.setattr(nlp.analyze, "MAX_BYTES", 100)
    path = tmp_path / "big.txt"
    path.write_text("Học tập và làm theo Bác. " * 20, encoding="utf-8")
    with pytest.raises(AnalyzeError, match="too large"):
        analyze_file(path)


def test_html(tmp_path: Path) -> None:
    body = "<p>" + "Đảng bộ tỉnh Yên Bái thực hiện Chỉ thị 05-CT/TW với mô hình “Dân vận khéo” hiệu quả. " * 5 + "</p>"
    path = tmp_path / "a.html"
    path.write_text(f"<html><head><title>Làm theo Bác</title></head><body><article><h1>Làm theo Bác</h1>{body}"
                    "</article></body></html>", encoding="utf-8")
    out = analyze_file(path)
    assert out["province"] == "Yên Bái" and "Dân vận khéo" in out["models"]
