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
def test_every_setting_is_documented_with_its_kind(key: str) -> None:
    doc = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    row = re.search(rf"^\| `{key}` \| (\w+) \|", doc, re.M)
    assert row, f"docs/deploy.md does not document {key}"
    assert row.group(1) == SETTINGS[key].kind, f"docs/deploy.md gives {key} another kind than the schema"


def test_the_app_defaults_are_the_schema_defaults() -> None:
    app = create_app({"TESTING": True})
    for key, spec in SETTINGS.items():
        if key not in ("data_dir", "admin_password", "secret_key"):  # environment and per-process values
            assert app.config[key.upper()] == spec.default, key


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
    ("per_pgae = 3\n", "web.toml: per_pgae: unknown key"),
    ('per_page = "20"\n', "web.toml: per_page: must be a non-negative integer"),
    ("per_page = 0\n", "web.toml: per_page: must be at least 1"),
    ("page_cache_seconds = true\n", "web.toml: page_cache_seconds: must be a non-negative number"),
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
    assert "web.toml: colour: unknown key" in result.stderr
