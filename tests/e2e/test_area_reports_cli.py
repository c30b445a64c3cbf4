"""`sevasetu report marriage-alerts` and `sevasetu report statistics` in each format, and a
clear refusal for an unknown area."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from sevasetu.entrypoints.cli import app
from tests.integration.test_marriage import young_people
from tests.integration.test_statistics import population
from tests.ledger_builders import TALA, record_tala_services

runner = CliRunner()


@pytest.fixture
def tala_people(ctx, cli_env):
    people = {**population(ctx), **young_people(ctx)}
    record_tala_services(ctx)
    return people


def test_marriage_alerts_in_each_format(tala_people, tmp_path):
    as_csv = runner.invoke(app, ["report", "marriage-alerts", "--area", TALA, "--format", "csv"])
    assert as_csv.exit_code == 0, as_csv.output
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert {r["person_id"] for r in rows} >= {tala_people["nasrin"], tala_people["sixteen"]}
    assert all(15 <= int(r["age"]) <= 17 for r in rows if r["sex"] == "female")
    nasrin = next(r for r in rows if r["person_id"] == tala_people["nasrin"])
    assert nasrin["phone"] == "+8801712000001" and nasrin["turns_minimum_on"] == "2028-03-04"
    as_json = runner.invoke(app, ["report", "marriage-alerts", "--area", TALA, "--format", "json"])
    assert json.loads(as_json.stdout)["minimum_ages"] == {"bride": 18, "groom": 21}
    out = tmp_path / "alerts.html"
    printed = runner.invoke(app, ["report", "marriage-alerts", "--area", TALA, "--out", str(out),
                                  "--language", "bn"])  # fmt: skip
    assert printed.exit_code == 0, printed.output
    html = out.read_text(encoding="utf-8")
    assert "<svg" in html and "বাল্যবিবাহ" in html and "নাসরিন আক্তার" in html
    # Standard error says what the file holds (standard output stays empty).
    view = json.loads(as_json.stdout)
    said = f"{view['girls']} girls and {view['boys']} boys to visit in {TALA}; written to {out}"
    assert view["girls"] >= 2 and said in printed.output


def test_statistics_in_each_format_and_an_unknown_area(tala_people, tmp_path):
    as_json = runner.invoke(app, ["report", "statistics", "--area", TALA, "--format", "json"])
    assert as_json.exit_code == 0, as_json.output
    view = json.loads(as_json.stdout)
    assert view["total"]["residents"] == 20 and view["total"]["households"] == 3
    # The command reads today's clock: the children's ages move with it, their doses do not.
    assert view["total"]["immunisation"]["fully_immunised"]["count"] <= 1
    as_csv = runner.invoke(app, ["report", "statistics", "--area", TALA, "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    total = {(r["section"], r["item"]): r for r in rows if r["ward_code"] == "total"}
    assert total[("population", "residents")]["count"] == "20"
    assert total[("households", "households")]["count"] == "3"
    out = tmp_path / "statistics.html"
    printed = runner.invoke(app, ["report", "statistics", "--area", TALA, "--out", str(out)])
    assert printed.exit_code == 0, printed.output
    assert out.read_text(encoding="utf-8").count("<svg") == 4
    wards = len(view["wards"])
    said = f"20 residents in {wards} wards or villages of {TALA}, 3 households; written to {out}"
    assert said in printed.output
    unknown = runner.invoke(app, ["report", "statistics", "--area", "XX-NOWHERE"])
    assert unknown.exit_code != 0 and "XX-NOWHERE" in unknown.output
