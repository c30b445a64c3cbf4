"""``sevasetu legacy generate|import`` and ``sevasetu import people`` as an operator runs them."""

from __future__ import annotations

import csv

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
    return runner.invoke(app, [str(a) for a in args])


def flat(text: str) -> str:
    """Without any white space: rich wraps long lines, even inside a path."""
    return "".join(text.split())


def test_generate_then_import_then_import_again(env, ctx, tmp_path):
    load_demo(ctx, people=1200, seed=4, districts=["IN-CG-RGH"])
    out = tmp_path / "export"
    made = run("legacy", "generate", "--out", out, "--seed", "3", "--share", "typo=0.2")
    assert made.exit_code == 0, made.output
    assert "legacy rows" in made.output and (out / "truth.csv").exists()
    with (out / "legacy.csv").open(encoding="utf-8") as f:
        rows = sum(1 for _ in f) - 1
    first = run("legacy", "import", out / "legacy.csv", "--source", "cg-teeka", "--mapping",
                out / "mapping.toml")  # fmt: skip
    assert first.exit_code == 0, first.output
    summary = f"legacy.csv: {rows} rows read, {rows} imported ({rows} doses), 0 rejected"
    assert flat(summary) in flat(first.stdout)
    again = run("legacy", "import", out / "legacy.csv", "--source", "cg-teeka", "--mapping",
                out / "mapping.toml")  # fmt: skip
    assert again.exit_code == 0
    assert flat("was already imported for cg-teeka") in flat(again.stdout)
    assert flat("nothing to do") in flat(again.stdout)


def test_bad_input_is_a_sentence_and_exit_code_2(env, ctx, tmp_path):
    mapping = tmp_path / "m.toml"
    mapping.write_text('[file]\nstate = "IN-CG"\n[columns]\nname = "Name"\nsex = "Sex"\n')
    data = tmp_path / "d.csv"
    data.write_text("Name,Gender\nRam,M\n", encoding="utf-8")
    missing = run("legacy", "import", data, "--source", "x", "--mapping", mapping)
    assert missing.exit_code == 2
    assert flat("The file has no column 'Sex', which the mapping names") in flat(missing.output)
    assert "Traceback" not in missing.output
    mapping.write_text('[columns]\nname = "Name"\nsurname = "S"\n')
    unknown = run("legacy", "import", data, "--source", "x", "--mapping", mapping, "--state",
                  "IN-CG")  # fmt: skip
    assert unknown.exit_code == 2
    assert flat("Mapping key columns.surname: unknown key") in flat(unknown.output)
    no_state = run("legacy", "import", data, "--source", "x", "--mapping", mapping)
    assert no_state.exit_code == 2
    assert flat("unknown key") in flat(no_state.output)  # the mapping is read first
    nothing = run("legacy", "import", tmp_path / "none.csv", "--source", "x", "--mapping",
                  tmp_path / "none.toml")  # fmt: skip
    assert nothing.exit_code == 2
    assert flat("none.toml' cannot be read: No such file or directory.") in flat(nothing.output)


def test_import_people_from_a_survey(env, ctx, tmp_path):
    mapping = tmp_path / "people.toml"
    mapping.write_text(
        '[file]\nstate = "IN-WB"\n[columns]\nname = "নাম"\nsex = "লিঙ্গ"\nbirth_date = "জন্ম"\n'
        'area = "গ্রাম"\n[area]\nwithin = "IN-WB-NAD"\n[dates]\nformats = ["%d/%m/%Y"]\n',
        encoding="utf-8",
    )
    survey = tmp_path / "survey.csv"
    with survey.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["নাম", "লিঙ্গ", "জন্ম", "গ্রাম"])
        writer.writerow(["অমিত দাস", "পুরুষ", "12/04/1980", "দোগাছি"])
        writer.writerow(["সীমা দাস", "মহিলা", "32/01/1985", "দোগাছি"])
    result = run("import", "people", survey, "--mapping", mapping, "--rejects",
                 tmp_path / "r.csv")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert flat("survey.csv: 2 rows read, 1 imported, 1 rejected") in flat(result.stdout)
    with (tmp_path / "r.csv").open(encoding="utf-8") as f:
        (reject,) = csv.DictReader(f)
    assert reject["row"] == "3" and reject["reason"].startswith("জন্ম: '32/01/1985' is not a date")
    with ctx.uow() as uow:
        (person,) = uow.people.search(state_code="IN-WB", area_codes=None, name_key=None,
                                      phone=None, ids=None, offset=0, limit=5)  # fmt: skip
    assert (person.name, person.area_code) == ("অমিত দাস", "IN-WB-NAD-KN1-DOG")
