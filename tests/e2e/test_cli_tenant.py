"""``sevasetu tenant`` and ``sevasetu maintenance`` as an operator runs them: tables and
sentences, exit codes, never a traceback."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from sevasetu.entrypoints.cli import app
from sevasetu.services.demo import load_demo

runner = CliRunner()


@pytest.fixture
def env(database_url, monkeypatch):
    monkeypatch.setenv("SEVASETU_DATABASE_URL", database_url)
    monkeypatch.setenv("SEVASETU_ENVIRONMENT", "development")
    return database_url


def run(*args: str):
    result = runner.invoke(app, list(args))
    result.text = " ".join(result.output.split())  # rich wraps lines at the terminal width
    return result


def test_export_verify_and_a_window_from_the_command_line(env, ctx, tmp_path):
    load_demo(ctx, people=30, seed=5)
    bundle = tmp_path / "IN-WB"
    exported = run("tenant", "export", "--state", "in-wb", "--out", str(bundle))
    assert exported.exit_code == 0, exported.output
    assert "people" in exported.text and (bundle / "manifest.jws").is_file()
    again = run("tenant", "export", "--state", "IN-WB", "--out", str(bundle))
    assert again.exit_code == 2 and "is not empty" in again.text

    verified = run("tenant", "verify", "--state", "IN-WB", "--against", str(bundle))
    assert verified.exit_code == 0, verified.output
    assert "identical" in verified.text

    jwks = tmp_path / "jwks.json"
    assert run("keys", "jwks", "--out", str(jwks)).exit_code == 0
    noop = run("tenant", "import", str(bundle), "--trust", str(jwks))
    assert noop.exit_code == 0 and "nothing changed" in noop.text

    (bundle / "households.jsonl.gz").write_bytes(b"not the signed file")
    refused = run("tenant", "import", str(bundle), "--trust", str(jwks))
    assert refused.exit_code == 2
    assert "households.jsonl.gz has changed since it was signed" in refused.text
    assert "Traceback" not in refused.text

    on = run("maintenance", "on", "--state", "IN-WB", "--until", "2099-01-01T12:00+05:30",
             "--reason", "moving to the State Data Centre")  # fmt: skip
    assert on.exit_code == 0, on.output
    status = run("maintenance", "status")
    assert "IN-WB" in status.text and "moving to the State" in status.text
    bad = run("maintenance", "on", "--state", "IN-WB", "--until", "tomorrow", "--reason", "x")
    assert bad.exit_code == 2 and "is not a time" in bad.text
    assert run("maintenance", "off", "--state", "IN-WB").exit_code == 0
    assert "no state is in maintenance" in run("maintenance", "status").text


def test_a_rehearsal_from_the_command_line_moves_the_state_and_its_hospital_events(
    env, ctx, tmp_path, monkeypatch
):
    load_demo(ctx, people=30, seed=5)
    assert run("schemes", "load").exit_code == 0
    target = f"sqlite:///{tmp_path / 'wb-sdc.db'}"
    monkeypatch.setenv("SEVASETU_DATABASE_URL", target)
    for prepare in (("db", "upgrade"), ("areas", "load")):
        assert run(*prepare).exit_code == 0
    monkeypatch.setenv("SEVASETU_DATABASE_URL", env)
    moved = run("tenant", "rehearse", "--state", "IN-WB", "--from", env, "--to", target,
                "--work-dir", str(tmp_path / "move"))  # fmt: skip
    assert moved.exit_code == 0, moved.output
    assert "Traceback" not in moved.text
    for step in ("export", "import", "verify target", "verify origin", "maintenance off"):
        assert step in moved.text
    assert "writes frozen for" in moved.text and "0 failed" in moved.text
    assert "lost │ 0" in moved.text and "duplicated │ 0" in moved.text
    assert "IN-WB is now kept by sqlite" in moved.text
    again = run("tenant", "rehearse", "--state", "IN-WB", "--from", env, "--to", target,
                "--work-dir", str(tmp_path / "again"))  # fmt: skip
    # A second run finds the state at the target already: refused, in a sentence.
    assert again.exit_code == 2, again.output
    assert "already holds other records of IN-WB" in again.text and "Traceback" not in again.text
