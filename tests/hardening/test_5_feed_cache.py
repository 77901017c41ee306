"""Issue 12, item 5: a forged Host header never poisons the cached feed of other readers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import Flask

from tests.hardening.conftest import Live, make_app


def test_forged_host_does_not_poison_the_cache(data_dir: Path, serve: Callable[[Flask], Live]) -> None:
    live = serve(make_app(data_dir))
    status, _, evil = live.get("/feed?q=NULTITLE", {"Host": "evil.example"})
    assert status == 200
    for _ in range(2):  # the second read is the cached page
        status, _, body = live.get("/feed?q=NULTITLE")
        assert status == 200 and b"evil.example" not in body, body[:400]
        assert f"http://127.0.0.1:{live.port}/article/".encode() in body


def test_configured_base_url_decides_every_absolute_link(data_dir: Path, serve: Callable[[Flask], Live]) -> None:
    live = serve(make_app(data_dir, BASE_URL="https://ct05.example.vn/"))
    for host in ("evil.example", f"127.0.0.1:{live.port}"):
        status, _, body = live.get("/feed?q=NULTITLE", {"Host": host})
        assert status == 200
        assert b"evil.example" not in body and b"127.0.0.1" not in body
        assert b'href="https://ct05.example.vn/article/' in body and b'href="https://ct05.example.vn/feed' in body


def test_base_url_is_a_validated_setting(tmp_path: Path) -> None:
    import pytest

    from webui.settings import SettingsError, load_settings

    good = tmp_path / "good.toml"
    good.write_text('base_url = "https://ct05.example.vn/"\nsession_cookie_secure = true\n', encoding="utf-8")
    assert load_settings(good) == {"BASE_URL": "https://ct05.example.vn/", "SESSION_COOKIE_SECURE": True}
    bad = tmp_path / "bad.toml"
    bad.write_text('base_url = "javascript:alert(1)"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match="base_url"):
        load_settings(bad)
