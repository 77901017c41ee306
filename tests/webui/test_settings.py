"""Web settings as data: every setting documented, loaded from TOML, bad keys and values named."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from webui import create_app
from webui.settings import SETTINGS, SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("key", sorted(SETTINGS))
def test_every_setting_is_documented(key: str) -> None:
    doc = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    assert re.search(rf"^\| `{key}` \|", doc, re.M), f"docs/deploy.md does not document {key}"


def test_every_setting_is_a_config_key_of_the_app() -> None:
    app = create_app({"TESTING": True})
    for key in SETTINGS:
        assert key.upper() in app.config


def test_settings_load_into_the_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    conf = tmp_path / "web.toml"
    conf.write_text('[web]\nper_page = 7\npage_cache_seconds = 0\nadmin_password = "bí mật"\n', encoding="utf-8")
    monkeypatch.setenv("CT05_WEB_CONFIG", str(conf))
    app = create_app()
    assert app.config["PER_PAGE"] == 7
    assert app.config["PAGE_CACHE_SECONDS"] == 0.0
    assert app.config["ADMIN_PASSWORD"] == "bí mật"


@pytest.mark.parametrize(("text", "named"), [
    ("per_pgae = 3\n", "'per_pgae'"),
    ('per_page = "20"\n', "'per_page'"),
    ("per_page = 0\n", "'per_page'"),
    ("page_cache_seconds = true\n", "'page_cache_seconds'"),
    ("per_page = \n", "not valid TOML"),
])
def test_bad_settings_are_named(tmp_path: Path, text: str, named: str) -> None:
    conf = tmp_path / "web.toml"
    conf.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError, match=re.escape(named)):
        load_settings(conf)


def test_serve_refuses_a_bad_settings_file(tmp_path: Path) -> None:
    conf = tmp_path / "web.toml"
    conf.write_text("colour = 'đỏ'\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", "from webui.cli import main; main()", "serve", "--config",
                             str(conf), "--data-dir", str(tmp_path)], capture_output=True, text=True,
                            timeout=60, cwd=ROOT)
    assert result.returncode != 0
    assert "'colour'" in result.stderr
