"""``sevasetu certificate`` and ``sevasetu keys``: issue, verify offline, rotate and revoke."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from sevasetu.adapters.certificates import shc
from sevasetu.adapters.certificates.verify import qr_png
from sevasetu.entrypoints.api.app import create_app
from sevasetu.entrypoints.cli import app

from ..builders import NADIA_BLOCK, auth, person_body, staff

runner = CliRunner()


@pytest.fixture
def env(cli_env):
    # The same secret as the test context (cli_env): it unlocks the stored signing keys.
    return cli_env


@pytest.fixture
def child(ctx, env):
    with TestClient(create_app(ctx=ctx)) as client:
        anm = staff(ctx, "anm.cli", "anm", NADIA_BLOCK)
        body = person_body(name="শিশু দাস", birth_date="2026-03-31", phone=None, identifiers={})
        person = client.post("/api/v1/people", json=body, headers=auth(anm)).json()
        for code, day in (("BCG", "2026-03-31"), ("OPV1", "2026-05-12"), ("PENTA1", "2026-05-12")):
            given = client.post("/api/v1/vaccinations", headers=auth(anm), json={
                "person_id": person["id"], "dose_code": code, "given_on": day})  # fmt: skip
            assert given.status_code == 201, given.text
    return person["id"]


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def issue(person: str, path) -> None:
    done = run("certificate", "issue", "--person", person, "--format", "smart-health-card",
               "--out", path)  # fmt: skip
    assert done.exit_code == 0, done.output


def export(tmp_path, name="jwks.json"):
    exported = run("keys", "jwks", "--out", tmp_path / name, "--crl-dir", tmp_path / "crl")
    assert exported.exit_code == 0, exported.output
    return tmp_path / name


def test_issue_and_verify_offline_from_every_form(child, tmp_path):
    card = tmp_path / "shishu.smart-health-card"
    issue(child, card)
    jws = json.loads(card.read_text())["verifiableCredential"][0]
    jwks = export(tmp_path)
    (text,) = shc.qr_texts(jws)
    (tmp_path / "card.txt").write_text(text + "\n")
    (tmp_path / "card.png").write_bytes(qr_png(text))
    for source in ("shishu.smart-health-card", "card.txt", "card.png"):
        checked = run("certificate", "verify", tmp_path / source, "--jwks", jwks)
        assert checked.exit_code == 0, (source, checked.output)
        assert "VALID" in checked.output and "Shishu Das" in checked.output
        assert "2026-03-31" in checked.output
        assert "BCG" in checked.output and "PENTA1" in checked.output


def test_verify_refuses_with_the_reason(child, tmp_path):
    card = tmp_path / "card.smart-health-card"
    issue(child, card)
    jws = json.loads(card.read_text())["verifiableCredential"][0]
    header, payload, signature = jws.split(".")
    tampered = tmp_path / "tampered.txt"
    other = shc.generate_key(b"x")
    forged_payload = payload[:-3] + ("AAA" if payload[-3:] != "AAA" else "BBB")
    tampered.write_text(f"{header}.{forged_payload}.{signature}")
    jwks = export(tmp_path)
    refused = run("certificate", "verify", tampered, "--jwks", jwks)
    assert refused.exit_code == 1
    assert "INVALID" in refused.output

    strangers = tmp_path / "strangers.json"
    strangers.write_text(json.dumps({"keys": [shc.published_jwk(other.public_jwk)]}))
    unknown = run("certificate", "verify", card, "--jwks", strangers)
    assert unknown.exit_code == 1 and "does not publish" in unknown.output

    garbage = tmp_path / "garbage.txt"
    garbage.write_text("hello")
    malformed = run("certificate", "verify", garbage, "--jwks", jwks)
    assert malformed.exit_code == 1 and "not a SMART Health Card" in malformed.output


def test_rotation_keeps_old_cards_verifying_and_revocation_ends_them(child, tmp_path):
    old_card = tmp_path / "old.smart-health-card"
    issue(child, old_card)
    rotated = run("keys", "rotate")
    assert rotated.exit_code == 0 and "retired" in rotated.output
    new_card = tmp_path / "new.smart-health-card"
    issue(child, new_card)
    jwks = export(tmp_path)
    assert len(json.loads(jwks.read_text())["keys"]) == 2
    for card in (old_card, new_card):
        assert run("certificate", "verify", card, "--jwks", jwks).exit_code == 0

    revoked = run("certificate", "revoke", "--person", child, "--reason", "wrong name")
    assert revoked.exit_code == 0, revoked.output
    jwks = export(tmp_path, "jwks-after.json")
    lists = sorted((tmp_path / "crl").glob("*.json"))
    assert len(lists) == 2
    crl_args = [a for path in lists for a in ("--crl", path)]
    for card in (old_card, new_card):
        refused = run("certificate", "verify", card, "--jwks", jwks, *crl_args)
        assert refused.exit_code == 1 and "revoked" in refused.output
        assert "wrong name" in refused.output


def test_unknown_person_and_format(env, tmp_path):
    missing = run("certificate", "issue", "--person", "nobody", "--out", tmp_path / "x")
    assert missing.exit_code == 2 and "nobody" in missing.output
    revoke = run("certificate", "revoke", "--person", "nobody", "--reason", "x")
    assert revoke.exit_code == 2


def test_a_pdf_certificate(child, tmp_path):
    pdf = tmp_path / "shishu.pdf"
    done = run("certificate", "issue", "--person", child, "--format", "pdf", "--out", pdf)
    assert done.exit_code == 0, done.output
    assert pdf.read_bytes().startswith(b"%PDF")
    wrong = run("certificate", "issue", "--person", child, "--format", "png", "--out", pdf)
    assert wrong.exit_code == 2
