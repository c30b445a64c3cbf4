"""`sevasetu report reconciliation` in each format, and `sevasetu report attestation add`."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from sevasetu.entrypoints.cli import app

from ..builders import KATHLI, raigarh_reconciliation

runner = CliRunner()


@pytest.fixture
def raigarh(ctx, database_url, monkeypatch):
    monkeypatch.setenv("SEVASETU_DATABASE_URL", database_url)
    monkeypatch.setenv("SEVASETU_ENVIRONMENT", "development")
    return raigarh_reconciliation(ctx)


def run(*args: str):
    return runner.invoke(app, ["report", *args])


def test_json_is_the_whole_structure_and_adds_up(raigarh):
    found = run("reconciliation", "--area", "IN-CG-RGH", "--format", "json")
    assert found.exit_code == 0, found.output
    report = json.loads(found.stdout)
    (rgh,) = report["headline"]["districts"]
    assert rgh["explained"] == {"legacy": 1, "elsewhere": 1, "review": 1, "unexplained": 2}
    assert rgh["gap_before"] == 4 and rgh["balanced"] is True
    assert report["identity"].startswith("second - first =")
    kinds = sorted(r["kind"] for r in report["headline"]["records"])
    assert kinds == ["elsewhere", "legacy", "no_next", "review", "unexplained", "unexplained"]
    assert [s["dose"] for s in report["steps"]] == ["COVIDP"]


def test_csv_is_the_records_behind_the_numbers(raigarh, tmp_path):
    target = tmp_path / "records.csv"
    done = run("reconciliation", "--area", "IN-CG-RGH", "--format", "csv", "--out", str(target))
    assert done.exit_code == 0, done.output
    assert "written to" in done.output
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    by_kind = {r["kind"]: r for r in rows}
    assert by_kind["legacy"]["legacy_source"] == "cg-teeka"
    assert by_kind["legacy"]["legacy_source_row_id"] == "CGT-teeka"
    assert by_kind["elsewhere"]["other_facility_code"] == "IN-WB-NAD-KN1-CHC"
    assert by_kind["elsewhere"]["other_state"] == "IN-WB"
    assert by_kind["review"]["candidate_source_row_id"] == "CGT-review"
    assert by_kind["review"]["person_id"] == raigarh["review"]


def test_html_is_a_standalone_printable_file_with_its_charts(raigarh, tmp_path):
    target = tmp_path / "report.html"
    done = run("reconciliation", "--area", "IN-CG-RGH", "--out", str(target), "--language", "hi")
    assert done.exit_code == 0, done.output
    html = target.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and "<style>" in html
    assert html.count("<svg") == 2 and "<script" not in html and "/static/" not in html
    assert 'id="rec-IN-CG-RGH-legacy"' in html and "CGT-teeka" in html
    assert 'lang="hi"' in html


def test_bad_input_is_a_sentence_and_exit_code_2(raigarh):
    for args, words in (
        (("--area", "NOWHERE"), "no area"),
        (("--area", KATHLI), "district"),
        (("--area", "IN-CG-RGH", "--schedule", "nope"), "no schedule"),
        (("--area", "IN-CG-RGH", "--schedule", "../../../pyproject"), "no schedule"),
        (("--area", "IN-CG-RGH", "--language", "fr"), "en, bn or hi"),
    ):
        done = run("reconciliation", *args)
        assert done.exit_code == 2 and words in done.output.lower(), done.output


def test_an_attestation_added_from_the_console_appears_in_the_report(raigarh, tmp_path):
    scan = tmp_path / "certificate.png"
    scan.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    done = run("attestation", "add", "--village", KATHLI, "--dose", "COVID2", "--coverage", "100",
               "--signed-by", "Ramesh Sahu", "--signed-on", "2021-12-01",
               "--document", str(scan))  # fmt: skip
    assert done.exit_code == 0 and "scan kept" in done.output, done.output
    bad = run("attestation", "add", "--village", KATHLI, "--dose", "COVID2", "--coverage", "140",
              "--signed-by", "Ramesh Sahu", "--signed-on", "2021-12-01")  # fmt: skip
    assert bad.exit_code == 2 and "from 0 to" in bad.output and "claimed_coverage" in bad.output
    report = json.loads(run("reconciliation", "--area", "IN-CG-RGH", "--format", "json").stdout)
    (check,) = report["attestations"]
    assert check["verdict"] == "disagrees" and check["recorded_coverage"] == 87.5
    assert check["document"] is True and check["difference"] == 12.5
