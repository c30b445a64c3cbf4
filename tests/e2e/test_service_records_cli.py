"""`sevasetu schemes load|check`, `sevasetu services import` (two departments' CSV files, one
with a mapping), and `sevasetu report duplicates|priority` in each format: the done-means of
the ledger's first half on the command line."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from sevasetu.entrypoints.cli import app
from tests.ledger_builders import ABDUL_NID, RAHIMA_BRN, RAHIMA_NID, TALA, tala

runner = CliRunner()

DSS = f"""reference,scheme,delivered_on,bd_nid,bd_brn,name,birth_date,area_code
DSS-1,BD-OLD-AGE-ALLOWANCE,2026-01-15,{RAHIMA_NID},,,,
DSS-2,BD-OLD-AGE-ALLOWANCE,2026-01-28,,{RAHIMA_BRN},,,
DSS-3,BD-WIDOW-ALLOWANCE,2026-01-20,{RAHIMA_NID},,,,
DSS-4,BD-OLD-AGE-ALLOWANCE,2026-01-15,{ABDUL_NID},,,,
DSS-5,BD-OLD-AGE-ALLOWANCE,2026-02-15,{ABDUL_NID},,,,
DSS-6,BD-OLD-AGE-ALLOWANCE,2026-02-15,,,মিতু খাতুন,2015-02-02,
DSS-7,BD-OLD-AGE-ALLOWANCE,2026-04-15,,,জামাল উদ্দিন,1940-08-08,
DSS-8,BD-OLD-AGE-ALLOWANCE,2026-04-15,9999999999,,অচেনা,,BD-D-SAT-TAL-TAL-W1
"""
# The relief office's own export: its headers, its programme names, day-first dates.
DRRO = """Slip No,Programme,Date,Mobile,Beneficiary
VGF-1,VGF rice,01/03/2026,01712345678,করিম শেখ
VGF-2,VGF rice,02/06/2026,01712345678,করিম শেখ
"""
MAPPING = """date_format = "%d/%m/%Y"
[columns]
reference = "Slip No"
scheme = "Programme"
delivered_on = "Date"
phone = "Mobile"
name = "Beneficiary"
[schemes]
"VGF rice" = "BD-VGF-RICE"
"""


@pytest.fixture
def ward(ctx, cli_env, tmp_path):
    people = tala(ctx)
    (tmp_path / "dss.csv").write_text(DSS, encoding="utf-8")
    (tmp_path / "drro.csv").write_text(DRRO, encoding="utf-8")
    (tmp_path / "drro.toml").write_text(MAPPING, encoding="utf-8")
    return people


def imported(tmp_path):
    first = runner.invoke(
        app, ["services", "import", str(tmp_path / "dss.csv"), "--department", "BD-DSS"]
    )
    second = runner.invoke(
        app,
        [
            "services",
            "import",
            str(tmp_path / "drro.csv"),
            "--department",
            "BD-DRRO",
            "--mapping",
            str(tmp_path / "drro.toml"),
        ],
    )
    return first, second


def test_two_departments_import_once_and_the_report_finds_the_planted_doubles(ward, tmp_path):
    first, second = imported(tmp_path)
    assert first.exit_code == 0, first.output
    assert "8 imported (7 resolved, 1 waiting for a clerk)" in first.output
    assert second.exit_code == 0 and "2 imported (2 resolved" in second.output
    again, _ = imported(tmp_path)
    assert "0 imported" in again.output and "8 already on file" in again.output
    found = runner.invoke(app, ["report", "duplicates", "--area", TALA, "--format", "json"])
    assert found.exit_code == 0, found.output
    report = json.loads(found.stdout)
    got = sorted((f["kind"], f["person_name"]) for f in report["findings"])
    assert got == [
        ("deceased", "জামাল উদ্দিন"),
        ("duplicate", "রহিমা বেগম"),
        ("exclusive", "রহিমা বেগম"),
        ("too_young", "মিতু খাতুন"),
    ]
    double = next(f for f in report["findings"] if f["kind"] == "duplicate")
    assert {e["key_kind"] for e in double["evidence"]} == {"bd_nid", "bd_brn"}
    rows = list(
        csv.DictReader(
            io.StringIO(
                runner.invoke(
                    app, ["report", "duplicates", "--area", TALA, "--format", "csv"]
                ).stdout
            )
        )
    )
    assert {r["evidence"] for r in rows} >= {"DSS-1 DSS-2"}
    html = tmp_path / "duplicates.html"
    done = runner.invoke(
        app, ["report", "duplicates", "--area", TALA, "--out", str(html), "--language", "bn"]
    )
    assert done.exit_code == 0 and "4 finding(s)" in done.output
    assert "<svg" in html.read_text(encoding="utf-8")


def test_a_file_with_a_wrong_row_imports_nothing_and_lists_it(ward, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        DSS.replace("2026-01-20", "20/01/2026").replace(
            "DSS-5,BD-OLD-AGE-ALLOWANCE", "DSS-5,BD-NO-SUCH"
        ),
        encoding="utf-8",
    )
    done = runner.invoke(app, ["services", "import", str(bad), "--department", "BD-DSS"])
    assert done.exit_code == 2 and "nothing imported" in done.output
    rejects = list(csv.DictReader((tmp_path / "bad.csv.rejects.csv").open(encoding="utf-8")))
    assert [r["line"] for r in rejects] == ["4"]
    assert "delivered_on" in rejects[0]["reason"]
    bad.write_text(DSS.replace("DSS-5,BD-OLD-AGE-ALLOWANCE", "DSS-5,BD-NO-SUCH"), encoding="utf-8")
    done = runner.invoke(app, ["services", "import", str(bad), "--department", "BD-DSS"])
    assert done.exit_code == 2
    rejects = list(csv.DictReader((tmp_path / "bad.csv.rejects.csv").open(encoding="utf-8")))
    assert [r["line"] for r in rejects] == ["6"] and "BD-NO-SUCH" in rejects[0]["reason"]
    assert (
        runner.invoke(
            app, ["report", "duplicates", "--area", TALA, "--format", "json"]
        ).stdout.count('"id"')
        == 0
    )


def test_schemes_load_and_check_and_the_priority_list(ward, tmp_path):
    loaded = runner.invoke(app, ["schemes", "load"])
    assert loaded.exit_code == 0 and "IN-WB WB-KANYASHREE-K1 v1" in loaded.output
    broken = tmp_path / "broken.toml"
    broken.write_text(
        'state = "BD-D"\n[[schemes]]\ncode = "BD-X"\ndepartment = "BD-DSS"\n'
        'name = "x"\nbenefit = "cash"\nperiod = "yearly"\narea = "BD"\n'
        'rules = ["age >= 18 and"]\n',
        encoding="utf-8",
    )
    refused = runner.invoke(app, ["schemes", "load", str(broken)])
    assert refused.exit_code == 2 and "does not parse" in " ".join(refused.output.split())
    ok = runner.invoke(
        app, ["schemes", "check", "--person", ward["rahima"], "--scheme", "BD-WIDOW-ALLOWANCE"]
    )
    assert ok.exit_code == 0 and "eligible" in ok.output
    no = runner.invoke(
        app,
        [
            "schemes",
            "check",
            "--person",
            ward["karim"],
            "--scheme",
            "BD-OLD-AGE-ALLOWANCE",
            "--json",
        ],
    )
    assert no.exit_code == 1 and json.loads(no.stdout)["eligible"] is False
    ranked = runner.invoke(app, ["report", "priority", "--area", TALA, "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(ranked.stdout)))
    assert rows[0]["person_id"] == ward["abdul"] and rows[0]["points"] == "10"
    page = tmp_path / "priority.html"
    done = runner.invoke(app, ["report", "priority", "--area", TALA, "--out", str(page)])
    assert done.exit_code == 0 and "break-before: page" in page.read_text(encoding="utf-8")
    view = json.loads(
        runner.invoke(app, ["report", "priority", "--area", TALA, "--format", "json"]).stdout
    )
    said = f"{len(view['people'])} people and {len(view['households'])} households ranked in"
    assert view["people"] and f"{said} {TALA}; written to {page}" in done.output
