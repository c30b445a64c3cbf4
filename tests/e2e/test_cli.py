"""The command line, as an operator uses it: same settings, sentences not tracebacks."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from sevasetu.entrypoints.cli import app

runner = CliRunner()


@pytest.fixture
def env(database_url, monkeypatch):
    monkeypatch.setenv("SEVASETU_DATABASE_URL", database_url)
    monkeypatch.setenv("SEVASETU_ENVIRONMENT", "development")
    return database_url


def run(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input)


def test_operator_sets_up_users_and_tokens(env, ctx):
    assert run("db", "upgrade").exit_code == 0
    added = run(
        "users",
        "add",
        "dio.nadia",
        "--role",
        "district_officer",
        "--area",
        "IN-WB-NAD",
        "--name",
        "Dr Sen",
        input="a-long-password\na-long-password\n",
    )
    assert added.exit_code == 0, added.output
    token = run("users", "token", "dio.nadia")
    assert token.exit_code == 0
    assert len(token.stdout.strip()) > 30
    from sevasetu.services.auth import principal_for_token

    assert principal_for_token(ctx, token.stdout.strip()).role.value == "district_officer"


def test_bad_input_is_a_sentence_and_exit_code_2(env, ctx):
    unknown = run("users", "token", "nobody")
    assert unknown.exit_code == 2
    assert "no active user" in unknown.output
    wrong_area = run(
        "users",
        "add",
        "x.y",
        "--role",
        "asha",
        "--area",
        "IN-ZZ",
        input="a-long-password\na-long-password\n",
    )
    assert wrong_area.exit_code == 2
    assert "no area with the code IN-ZZ" in wrong_area.output


def test_audit_verify_exit_codes(env, ctx):
    run(
        "users",
        "add",
        "asha.a",
        "--role",
        "asha",
        "--area",
        "IN-WB-NAD-KN1",
        input="a-long-password\na-long-password\n",
    )
    intact = run("audit", "verify")
    assert intact.exit_code == 0, intact.output
    assert "intact" in intact.output
    with ctx.engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_log SET action = 'nothing' WHERE state_code = 'IN-WB' AND seq = 1")
        )
    broken = run("audit", "verify")
    assert broken.exit_code == 1
    assert re.search(r"IN-WB: broken at chain \d+ entry 1: its content was changed", broken.output)


def test_placeholder_secret_is_refused_outside_development(env, monkeypatch):
    monkeypatch.setenv("SEVASETU_ENVIRONMENT", "production")
    monkeypatch.delenv("SEVASETU_SECRET_KEY", raising=False)
    refused = run("audit", "verify")
    assert refused.exit_code == 2
    assert "SEVASETU_SECRET_KEY" in refused.output


def test_schedule_due_answers_for_any_birth_date_and_history():
    result = run("schedule", "due", "--dob", "2026-03-31", "--as-of", "2026-12-31", "--given",
                 "BCG=2026-03-31", "--given", "opv1=2026-05-12", "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = {r["code"]: r for r in json.loads(result.stdout)}
    assert set(rows["MR1"]) == {"code", "status", "due_date", "last_date", "given_date"}
    assert rows["MR1"] == {"code": "MR1", "status": "due", "due_date": "2026-12-31",
                           "last_date": "2031-03-30", "given_date": None}  # fmt: skip
    assert rows["OPV1"]["status"] == "given"
    bad = run("schedule", "due", "--dob", "2026-02-30", "--as-of", "2026-12-31")
    assert bad.exit_code == 2 and "not a date" in bad.output
    unknown = run("schedule", "due", "--dob", "2026-01-01", "--as-of", "2026-12-31",
                  "--schedule", "mars")  # fmt: skip
    assert unknown.exit_code == 2 and "india-uip" in unknown.output


def test_schedule_due_answers_the_covid_campaign_under_the_2021_and_2022_rules():
    def due(*args):
        result = run("schedule", "due", "--schedule", "covid19-india", "--json", *args)
        assert result.exit_code == 0, result.output
        return {d["code"]: (d["status"], d["due_date"]) for d in json.loads(result.output)}

    # Covishield on 5 April 2021: judged on 20 May 2021, the 12-16 week rule of 13 May applies.
    may = due("--dob", "1970-06-01", "--as-of", "2021-05-20",
              "--given", "COVID1=2021-04-05:Covishield")  # fmt: skip
    assert may["COVID2"] == ("upcoming", "2021-06-28")
    # Covaxin kept its 4-6 weeks; the precaution dose of 2022 opened for 18+ on 10 April 2022.
    later = due("--dob", "1970-06-01", "--as-of", "2022-03-01", "--given",
                "COVID1=2021-04-05:covaxin", "--given", "COVID2=2021-05-10:covaxin")  # fmt: skip
    assert later["COVIDP"] == ("upcoming", "2022-04-10")
    comorbid = due("--dob", "1965-01-01", "--as-of", "2021-03-10", "--condition", "comorbidity")
    assert comorbid["COVID1"] == ("due", "2021-03-01")
    wrong = run("schedule", "due", "--schedule", "covid19-india", "--dob", "1970-06-01",
                "--as-of", "2021-05-20", "--given", "COVID1=2021-04-05:sputnik")  # fmt: skip
    assert wrong.exit_code == 2 and "not a vaccine of this campaign" in wrong.output
