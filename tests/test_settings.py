"""One settings object: read from the environment once, typed, frozen, and documented."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from webapp import create_app, settings_of
from webapp.cli import main
from youthvoice_settings import Settings
from youthvoice_settings.settings import SettingsError, environment_variables

ROOT = Path(__file__).resolve().parent.parent


def _documented() -> dict[str, str]:
    """``NAME=default`` lines of .env.example (comments explain them)."""
    lines = (ROOT / ".env.example").read_text().splitlines()
    return {
        line.split("=", 1)[0].strip(): line.split("=", 1)[1].strip()
        for line in lines
        if "=" in line and not line.lstrip().startswith("#")
    }


def test_env_example_documents_every_setting_and_nothing_else():
    assert set(_documented()) == set(environment_variables())


def test_the_defaults_env_example_gives_are_the_objects_own(monkeypatch):
    """Copying .env.example as it is changes nothing (but the tokens it asks you to change)."""
    for name in environment_variables():
        monkeypatch.delenv(name, raising=False)
    defaults = Settings.from_environment()
    for name, value in _documented().items():
        monkeypatch.setenv(name, value)
    from_example = Settings.from_environment()
    differs = {
        field
        for field in Settings.model_fields
        if getattr(defaults, field) != getattr(from_example, field)
    }
    assert differs == {"channel_tokens"}


def test_settings_are_read_once_and_frozen(monkeypatch):
    monkeypatch.setenv("YOUTHVOICE_PUBLIC_URL", "https://voice.example.org")
    monkeypatch.setenv("YOUTHVOICE_CHANNEL_TOKENS", "telegram:t-token, rasa:r-token")
    settings = Settings.from_environment()
    monkeypatch.setenv("YOUTHVOICE_PUBLIC_URL", "https://elsewhere.example.org")
    assert settings.public_url == "https://voice.example.org"
    assert settings.channel_tokens == {"telegram": "t-token", "rasa": "r-token"}
    with pytest.raises(ValidationError):
        settings.public_url = "https://elsewhere.example.org"  # type: ignore[misc]


def test_one_default_for_where_the_chat_channels_reach_the_api(monkeypatch):
    monkeypatch.delenv("YOUTHVOICE_API_URL", raising=False)
    monkeypatch.delenv("YOUTHVOICE_PUBLIC_URL", raising=False)
    assert Settings.from_environment().api_url == "http://127.0.0.1:5000/api/v1"
    monkeypatch.setenv("YOUTHVOICE_PUBLIC_URL", "https://voice.example.org/")
    assert Settings.from_environment().api_url == "https://voice.example.org/api/v1"
    monkeypatch.setenv("YOUTHVOICE_API_URL", "http://web:8000/api/v1")
    assert Settings.from_environment().api_url == "http://web:8000/api/v1"


def test_the_rasa_token_of_its_own_comes_before_the_token_list(monkeypatch):
    monkeypatch.setenv("YOUTHVOICE_CHANNEL_TOKENS", "rasa:from-list,telegram:t")
    monkeypatch.delenv("YOUTHVOICE_RASA_TOKEN", raising=False)
    assert Settings.from_environment().channel_token("rasa") == "from-list"
    monkeypatch.setenv("YOUTHVOICE_RASA_TOKEN", "its-own")
    assert Settings.from_environment().channel_token("rasa") == "its-own"
    assert Settings.from_environment().channel_token("telegram") == "t"


def test_a_wrong_value_is_one_sentence_naming_the_variable_not_its_value(monkeypatch):
    monkeypatch.setenv("DB_POOL_SIZE", "lots")
    monkeypatch.setenv("LOG_FORMAT", "xml")
    with pytest.raises(SettingsError) as refused:
        Settings.from_environment()
    said = str(refused.value)
    assert said.startswith("Check the settings: DB_POOL_SIZE: input should be a valid integer")
    assert "LOG_FORMAT: input should be 'text' or 'json'" in said
    assert "lots" not in said and "\n" not in said
    result = CliRunner().invoke(main, ["bot"])
    assert result.exit_code == 1, result.output
    assert result.output.strip().splitlines() == [f"Error: {said}"]


def test_create_app_takes_the_settings_it_is_given(tmp_path, monkeypatch):
    monkeypatch.setenv("YOUTHVOICE_PUBLIC_URL", "https://from-the-environment.example.org")
    given = Settings(
        instance=tmp_path / "instance",
        database_url=f"sqlite:///{tmp_path / 'given.db'}",
        public_url="https://given.example.org",
        small_group_threshold=7,
    )
    app = create_app(settings=given)
    assert settings_of(app) is given
    assert app.config["PUBLIC_URL"] == "https://given.example.org"
    assert app.config["SMALL_GROUP_THRESHOLD"] == 7
    assert app.instance_path == str((tmp_path / "instance").resolve())
