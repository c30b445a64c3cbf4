"""``sevasetu chat``: the terminal simulator, non-interactive (--say a file), through the
signed webhook in this process."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from typer.testing import CliRunner

from sevasetu.entrypoints.cli import app

runner = CliRunner()


@pytest.fixture
def env(database_url, monkeypatch, ctx):  # ctx: the database has its geography
    monkeypatch.setenv("SEVASETU_DATABASE_URL", database_url)
    monkeypatch.setenv("SEVASETU_ENVIRONMENT", "development")
    monkeypatch.setenv("SEVASETU_WHATSAPP_APP_SECRET", "a-secret-for-the-simulator")
    return database_url


def test_a_scripted_chat_registers_in_hindi_with_numbered_choices(env, tmp_path):
    photo = tmp_path / "card.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (10, 200, 10)).save(buffer, format="JPEG")
    photo.write_bytes(buffer.getvalue())
    script = tmp_path / "chat.txt"
    script.write_text("\n".join([
        "# a greeting, Hindi, then register a family member",
        "नमस्ते", "3", "1", "2", "सुनीता देवी", "४५", "/photo " + str(photo), "1", "741101",
        "1", "छोड़ें", "/quit",
    ]), encoding="utf-8")  # fmt: skip
    result = runner.invoke(app, ["chat", "--phone", "+91 98000 00002", "--say", str(script),
                                 "--duplicates", "--shuffled-statuses"])  # fmt: skip
    assert result.exit_code == 0, result.output
    out = result.output
    assert "  1) English\n  2) বাংলা\n  3) हिन्दी" in out, "buttons as numbered choices"
    assert "हिन्दी में लिखेगा" in out and "1) पंजीकरण करें" in out
    assert "कृपया लिखकर जवाब दें" in out, "a photo where text was asked: a hint"
    assert "सुनीता देवी का पंजीकरण हो गया" in out


def test_a_number_without_its_country_code_is_refused_with_a_sentence(env):
    result = runner.invoke(app, ["chat", "--phone", "12345"])
    assert result.exit_code == 2 and "not a phone number" in result.output
