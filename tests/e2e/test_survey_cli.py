"""`sevasetu survey import` (paper surveys, all or nothing, a member on file attached),
`sevasetu survey campaign start|due` and `sevasetu report changes` in each format."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from typer.testing import CliRunner

from sevasetu.domain.surveys import SurveyStatus
from sevasetu.entrypoints.cli import app
from sevasetu.services.people import PersonInput, register_person
from tests.ledger_builders import TALA, TALA_W1, bd_admin

runner = CliRunner()

# Two households typed in from paper: a key per household, one row per member.
SURVEYS = """Household,Name,Sex,Born,Age,Relation,Ward,NID,Disabled,Job,Married,Pregnant,Para
T-1,হাসান আলী,পুরুষ,01/02/1975,,Head,Ward 1,3234567890,no,farmer,married,,Pukur par
T-1,সালমা বেগম,মহিলা,01/06/1985,,Wife,Ward 1,4234567890,no,,married,5,Pukur par
T-1,রনি আলী,পুরুষ,,12,Son,Ward 1,,yes,,,,Pukur par
T-2,আব্দুল করিম,পুরুষ,10/10/1960,,Head,Ward 1,5234567890,no,fisher,widowed,,Khal par
"""
TWICE = SURVEYS + "T-2,Abdul Karim,M,10/10/1960,,Brother,Ward 1,,no,,,,Khal par\n"
MAPPING = """[file]
state = "BD-D"
country = "BD"
age_as_of = "2026-11-01"
[columns]
household = "Household"
name = "Name"
sex = "Sex"
birth_date = "Born"
age = "Age"
relation = "Relation"
area = "Ward"
address = "Para"
[identifiers]
bd_nid = "NID"
[translate.relation]
wife = "spouse"
[area]
within = "BD-D-SAT-TAL-TAL"
[survey]
disabled = "Disabled"
occupation = "Job"
marital_status = "Married"
pregnant_months = "Pregnant"
"""


@pytest.fixture
def files(ctx, cli_env, tmp_path):
    (tmp_path / "tala.csv").write_text(SURVEYS, encoding="utf-8")
    (tmp_path / "twice.csv").write_text(TWICE, encoding="utf-8")
    (tmp_path / "tala.toml").write_text(MAPPING, encoding="utf-8")
    return tmp_path


def surveys(ctx):
    with ctx.uow() as uow:
        return uow.surveys.listed([TALA_W1], list(SurveyStatus))


def test_a_member_listed_twice_refuses_the_whole_file(ctx, files):
    result = runner.invoke(app, ["survey", "import", str(files / "twice.csv"), "--mapping",
                                 str(files / "tala.toml")])  # fmt: skip
    assert result.exit_code == 1, result.output
    assert "nothing was imported" in result.output
    with ctx.uow() as uow:
        assert uow.people.count() == 0
    assert surveys(ctx) == []
    rejected = list(csv.DictReader(io.StringIO((files / "twice.rejects.csv").read_text())))
    assert {r["row"] for r in rejected} == {"5", "6"}
    assert "rows 5 and 6 list the same person twice" in rejected[0]["reason"]


def test_paper_surveys_go_in_whole_and_once(ctx, files):
    known = register_person(ctx, bd_admin(), PersonInput(
        name="আব্দুল করিম", sex="male", area_code=TALA_W1, birth_date=date(1960, 10, 10),
        identifiers={"bd_nid": "5234567890"}))  # fmt: skip
    args = ["survey", "import", str(files / "tala.csv"), "--mapping", str(files / "tala.toml")]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "4 rows read, 4 imported (2 households), 0 rejected" in result.output
    found = surveys(ctx)
    assert [s.status for s in found] == [SurveyStatus.SUBMITTED] * 2
    with ctx.uow() as uow:
        assert uow.people.count() == 4  # Abdul Karim was on file: attached, not created twice
        again = uow.people.get(known.id)
        assert again is not None and again.household_id is not None
        assert again.relation_to_head == "head"  # of the household T-2
    assert runner.invoke(app, args).output.count("already imported") == 1

    start = ["survey", "campaign", "start", "--area", TALA, "--year", "2026"]
    assert "2 task(s) created, 0 already there" in runner.invoke(app, start).output
    assert "0 task(s) created, 2 already there" in runner.invoke(app, start).output
    due = runner.invoke(app, ["survey", "campaign", "due", "--on", "2026-11-20"])
    assert "not the update month (1)" in due.output

    report = ["report", "changes", "--area", TALA, "--year", "2026"]
    plain = json.loads(runner.invoke(app, [*report, "--format", "json"]).output)
    assert plain["year"] == 2026 and plain["area"]["code"] == TALA
    rows = runner.invoke(app, [*report, "--format", "csv"]).output
    assert rows.splitlines()[0].startswith("kind,occurred_on,area_code")
    html = runner.invoke(app, [*report, "--language", "bn"]).output
    assert "<svg" in html and 'lang="bn"' in html
    to_file = files / "changes.html"
    done = runner.invoke(app, [*report, "--out", str(to_file)])
    counts = ", ".join(f"{k} {n}" for k, n in sorted(plain["totals"].items())) or "none"
    assert f"{TALA} 2026: {counts}; written to {to_file}" in done.output
    assert to_file.read_text(encoding="utf-8").startswith("<!doctype html>")
