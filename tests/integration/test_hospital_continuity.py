"""Hospital continuity on both databases: eligibility cards and each of their refusals, the
desk's events recorded exactly once, and the desk's queue replayed exactly once even when a
replay is interrupted or the state is in maintenance."""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from joserfc import jws as jose_jws
from joserfc.jwk import ECKey
from sqlalchemy import func, select

from sevasetu.adapters.certificates import cards as card_format
from sevasetu.adapters.db import tables as t
from sevasetu.adapters.desk.store import DeskStore
from sevasetu.bootstrap import AppContext
from sevasetu.domain.access import Principal, Role
from sevasetu.domain.errors import (
    CardExpired,
    CardInvalid,
    CardRevoked,
    Forbidden,
    InvalidInput,
    OutsideArea,
)
from sevasetu.domain.maintenance import StateInMaintenance
from sevasetu.services import certificates, desk
from sevasetu.services.eligibility_cards import (
    issue_eligibility_card,
    issue_for_operator,
    offline_bundle,
    revoke_card,
    verify_with_issuer,
)
from sevasetu.services.hospital_events import (
    EventInput,
    InProcessDeployment,
    record_hospital_events,
)
from sevasetu.services.maintenance import start_maintenance, stop_maintenance
from sevasetu.services.people import PersonInput, register_person
from sevasetu.services.schemes import load_schemes, scheme_files

from ..builders import NADIA, NADIA_VILLAGE, state_admin

SWASTHYA = "WB-SWASTHYA-SATHI"
HOSPITAL = "IN-WB-NAD-DH"
KOLKATA_HOSPITAL = "IN-WB-KOL-DH"


def wb_admin() -> Principal:
    return state_admin("IN-WB", "wb-admin")


def nadia_desk() -> Principal:
    return Principal(
        kind="user",
        id="nadia-desk",
        role=Role.FACILITY_ADMIN,
        name="desk",
        area_code=NADIA,
        state_code="IN-WB",
    )


def _person(ctx: AppContext, name: str = "অমিত দাস", born: date = date(1980, 4, 12)) -> str:
    data = PersonInput(name=name, sex="male", area_code=NADIA_VILLAGE, birth_date=born)
    return register_person(ctx, wb_admin(), data).id


@pytest.fixture
def wb(ctx: AppContext) -> dict[str, Any]:
    load_schemes(ctx, wb_admin(), [p for p in scheme_files() if p.name == "west-bengal.toml"])
    person = _person(ctx)
    card = issue_eligibility_card(ctx, nadia_desk(), person, SWASTHYA)
    return {"person": person, "card": card, "keys": offline_bundle(ctx)}


# --- cards ---------------------------------------------------------------------------------


def test_a_card_verifies_offline_with_the_saved_keys_and_any_jose_library(ctx, wb):
    card = wb["card"]
    claims = card_format.verify_card(
        card.jws, wb["keys"]["jwks"], wb["keys"]["crls"], on=ctx.today()
    )
    assert claims.person_id == wb["person"] and claims.scheme_code == SWASTHYA
    assert claims.state_code == "IN-WB" and claims.holder == "অমিত দাস"
    assert claims.valid_from == ctx.today() and claims.valid_until == date(2027, 11, 19)
    # A standard JWT: an independent library verifies it with the published key.
    (jwk,) = [k for k in certificates.jwks(ctx)["keys"] if k["kid"] == card.kid]
    verified = jose_jws.deserialize_compact(card.jws, ECKey.import_key(jwk), algorithms=["ES256"])
    payload = json.loads(verified.payload)
    assert payload["jti"] == claims.card_id and payload["sub"] == wb["person"]
    assert verified.headers() == {"alg": "ES256", "typ": "JWT", "kid": card.kid}
    # The QR code holds the card itself and reads back.
    png = card_format.qr_png(card.jws)
    assert card_format.card_text(png) == card.jws
    with ctx.uow() as uow:
        (row,) = uow.eligibility_cards.of_person("IN-WB", wb["person"])
    assert row.id == claims.card_id and row.kid == card.kid


def test_a_forged_card_is_refused(ctx, wb):
    header, payload, signature = wb["card"].jws.split(".")
    claims = json.loads(card_format.shc.b64u_decode(payload))
    claims["card"]["valid_until"] = "2099-12-31"
    forged = card_format.shc.b64u(json.dumps(claims).encode())
    with pytest.raises(CardInvalid, match="signature does not match"):
        card_format.verify_card(f"{header}.{forged}.{signature}", wb["keys"]["jwks"])
    with pytest.raises(CardInvalid, match="not an eligibility card"):
        card_format.verify_card("shc:/5676290952432060346029243740", wb["keys"]["jwks"])


def test_a_card_of_an_unknown_key_is_refused_and_a_rotated_key_still_verifies(ctx, wb):
    with pytest.raises(CardInvalid, match="does not publish"):
        card_format.verify_card(wb["card"].jws, {"keys": []})
    old_kid, new_kid = certificates.rotate_key(ctx)
    assert old_kid == wb["card"].kid
    newer = issue_for_operator(ctx, wb["person"], SWASTHYA)
    assert newer.kid == new_kid
    keys = offline_bundle(ctx)
    for card in (wb["card"], newer):
        assert (
            card_format.verify_card(card.jws, keys["jwks"], keys["crls"]).person_id == wb["person"]
        )
    # A desk that synced before the rotation does not know the new key yet.
    with pytest.raises(CardInvalid, match="does not publish"):
        card_format.verify_card(newer.jws, wb["keys"]["jwks"])


def test_an_expired_or_not_yet_valid_card_is_refused_with_its_dates(ctx, wb):
    jws = wb["card"].jws
    with pytest.raises(CardExpired, match="until 2027-11-19, not on 2027-11-20"):
        card_format.verify_card(jws, wb["keys"]["jwks"], on=date(2027, 11, 20))
    with pytest.raises(CardExpired, match="not on 2026-11-19"):
        card_format.verify_card(jws, wb["keys"]["jwks"], on=date(2026, 11, 19))
    card_format.verify_card(jws, wb["keys"]["jwks"], on=date(2027, 11, 19))


def test_a_revoked_card_is_refused_with_the_reason_and_a_new_card_verifies(ctx, wb, clock):
    card = wb["card"]
    revoke_card(ctx, card.card_id, "card reported lost")
    keys = offline_bundle(ctx)
    with pytest.raises(CardRevoked, match="card reported lost"):
        card_format.verify_card(card.jws, keys["jwks"], keys["crls"])
    with pytest.raises(CardRevoked):
        verify_with_issuer(ctx, card.jws)
    # The stale lists a desk saved before still accept it: the desk must sync.
    card_format.verify_card(card.jws, wb["keys"]["jwks"], wb["keys"]["crls"])
    clock.advance(seconds=5)
    replacement = issue_for_operator(ctx, wb["person"], SWASTHYA)
    assert verify_with_issuer(ctx, replacement.jws).card_id == replacement.card_id


def test_cards_only_for_the_eligible_and_by_those_allowed(ctx, wb):
    with pytest.raises(InvalidInput, match="not eligible for WB-KRISHAK-BANDHU"):
        issue_eligibility_card(ctx, nadia_desk(), wb["person"], "WB-KRISHAK-BANDHU")
    asha = Principal(
        kind="user", id="asha", role=Role.ASHA, name="asha", area_code=NADIA, state_code="IN-WB"
    )
    with pytest.raises(Forbidden):
        issue_eligibility_card(ctx, asha, wb["person"], SWASTHYA)
    kolkata = Principal(
        kind="user",
        id="kol",
        role=Role.FACILITY_ADMIN,
        name="kol",
        area_code="IN-WB-KOL",
        state_code="IN-WB",
    )
    with pytest.raises(OutsideArea):
        issue_eligibility_card(ctx, kolkata, wb["person"], SWASTHYA)
    with pytest.raises(InvalidInput, match="end before it starts"):
        issue_for_operator(ctx, wb["person"], SWASTHYA, valid_until=date(2020, 1, 1))


# --- events --------------------------------------------------------------------------------


def _admission(wb: dict[str, Any], n: int = 1, **changes: Any) -> EventInput:
    fields: dict[str, Any] = dict(
        id=f"00000000-0000-4000-8000-{n:012d}",
        idempotency_key=f"desk:test-{n:04d}",
        kind="admission",
        facility_code=HOSPITAL,
        person_id=wb["person"],
        scheme_code=SWASTHYA,
        card_id=wb["card"].card_id,
        admitted_at=datetime(2026, 11, 20, 4, 0, tzinfo=UTC),
        package="S-123 appendicectomy",
        amount=12000.0,
        queued_at=datetime(2026, 11, 20, 4, 1, tzinfo=UTC),
    )
    fields.update(changes)
    return EventInput(**fields)


def _discharge(wb: dict[str, Any], n: int, of: int, **changes: Any) -> EventInput:
    fields: dict[str, Any] = dict(
        kind="discharge",
        admission_id=f"00000000-0000-4000-8000-{of:012d}",
        admitted_at=None,
        discharged_at=datetime(2026, 11, 20, 6, 0, tzinfo=UTC),
    )
    return _admission(wb, n, **{**fields, **changes})


def _rows(ctx: AppContext) -> int:
    with ctx.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(t.hospital_events)).scalar_one())


def test_an_event_replayed_twice_is_recorded_once(ctx, wb):
    batch = [_admission(wb, 1), _discharge(wb, 2, of=1)]
    first = record_hospital_events(ctx, nadia_desk(), batch)
    assert [o.status for o in first] == ["recorded", "recorded"]
    again = record_hospital_events(ctx, nadia_desk(), batch)
    assert [o.status for o in again] == ["already_recorded", "already_recorded"]
    assert _rows(ctx) == 2
    # The same key with other details is a conflict, not a silent overwrite.
    (changed,) = record_hospital_events(ctx, nadia_desk(), [_admission(wb, 1, amount=99.0)])
    assert changed.status == "error" and changed.error is not None
    assert changed.error.code == "hospital-event-conflict"
    assert _rows(ctx) == 2


def test_each_bad_event_is_refused_on_its_own(ctx, wb):
    other = _person(ctx, "সুমন পাল", date(1975, 1, 1))
    outcomes = record_hospital_events(
        ctx,
        nadia_desk(),
        [
            _discharge(wb, 10, of=99),  # no such admission
            _admission(wb, 11, card_id="not-his-card"),
            _admission(wb, 12, person_id=other),  # the card is not hers
            _admission(wb, 13, facility_code=KOLKATA_HOSPITAL),  # outside the desk's district
            _admission(wb, 14, id="not-a-uuid"),
            _admission(wb, 15, admitted_at=datetime(2030, 1, 1, tzinfo=UTC)),
            _admission(wb, 16),
            _discharge(wb, 17, of=16, discharged_at=datetime(2026, 11, 20, 3, 0, tzinfo=UTC)),
        ],
    )
    reasons = [(o.status, o.error.code if o.error else None) for o in outcomes]
    assert reasons == [
        ("error", "invalid-input"),
        ("error", "invalid-input"),
        ("error", "invalid-input"),
        ("error", "outside-area"),
        ("error", "invalid-input"),
        ("error", "invalid-input"),
        ("recorded", None),
        ("error", "invalid-input"),
    ]
    assert _rows(ctx) == 1


def test_a_frozen_state_refuses_the_whole_batch_and_writes_nothing(ctx, wb):
    start_maintenance(ctx, "IN-WB", ctx.now() + timedelta(hours=2), "moving", actor="tests")
    with pytest.raises(StateInMaintenance):
        record_hospital_events(ctx, nadia_desk(), [_admission(wb, 1), _admission(wb, 2)])
    assert _rows(ctx) == 0
    stop_maintenance(ctx, "IN-WB", actor="tests")
    assert [o.status for o in record_hospital_events(ctx, nadia_desk(), [_admission(wb, 1)])] == [
        "recorded"
    ]


# --- the desk's queue ------------------------------------------------------------------------


def _queue(ctx: AppContext, wb: dict[str, Any], directory: Path, admissions: int) -> DeskStore:
    store = DeskStore(directory)
    desk.sync(store, InProcessDeployment(ctx, nadia_desk()), "in-process", ctx.now())
    for i in range(admissions):
        queued = desk.admit(
            store,
            wb["card"].jws,
            facility_code=HOSPITAL,
            admitted_at=ctx.now() - timedelta(hours=3),
            now=ctx.now(),
            today=ctx.today(),
            package=f"P-{i}",
        )
        if i % 2 == 0:
            desk.discharge(
                store,
                queued.id,
                discharged_at=ctx.now() - timedelta(hours=1),
                now=ctx.now(),
                amount=1000.0 + i,
            )
    return store


def test_a_desk_refuses_a_card_before_queueing(ctx, wb, tmp_path):
    store = DeskStore(tmp_path / "desk")
    with pytest.raises(desk.DeskError, match="desk sync"):
        desk.check(store, wb["card"].jws, ctx.today())
    desk.sync(store, InProcessDeployment(ctx, nadia_desk()), "in-process", ctx.now())
    revoke_card(ctx, wb["card"].card_id, "duplicate card")
    assert desk.check(store, wb["card"].jws, ctx.today()).card_id == wb["card"].card_id
    desk.sync(store, InProcessDeployment(ctx, nadia_desk()), "in-process", ctx.now())
    with pytest.raises(CardRevoked, match="duplicate card"):
        desk.admit(
            store,
            wb["card"].jws,
            facility_code=HOSPITAL,
            admitted_at=ctx.now(),
            now=ctx.now(),
            today=ctx.today(),
        )
    assert store.all() == []


def test_a_replay_interrupted_midway_then_resumed_records_each_event_once(ctx, wb, tmp_path):
    store = _queue(ctx, wb, tmp_path / "desk", admissions=9)  # 14 events
    deployment = InProcessDeployment(ctx, nadia_desk())

    def pull_the_plug(report: desk.ReplayReport) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        desk.replay(store, deployment, now=ctx.now, batch=4, on_batch=pull_the_plug)
    assert store.counts() == {"recorded": 4, "queued": 10}
    # A crash after the deployment took a batch but before the desk marked it: the desk's file
    # as it was before the send, sent again.
    before = tmp_path / "before"
    shutil.copytree(tmp_path / "desk", before)
    done = desk.replay(store, deployment, now=ctx.now, batch=4)
    assert (done.sent, done.recorded, done.already_recorded, done.pending) == (10, 10, 0, 0)
    assert _rows(ctx) == 14
    resumed = desk.replay(DeskStore(before), deployment, now=ctx.now, batch=4)
    assert (resumed.sent, resumed.recorded, resumed.already_recorded) == (10, 0, 10)
    assert _rows(ctx) == 14
    # And a replay of a finished queue sends nothing.
    assert desk.replay(store, deployment, now=ctx.now).sent == 0


def test_a_replay_stops_on_maintenance_and_keeps_the_rest(ctx, wb, tmp_path):
    store = _queue(ctx, wb, tmp_path / "desk", admissions=3)  # 5 events
    deployment = InProcessDeployment(ctx, nadia_desk())
    start_maintenance(ctx, "IN-WB", ctx.now() + timedelta(minutes=30), "moving", actor="tests")
    stopped = desk.replay(store, deployment, now=ctx.now)
    assert stopped.stopped is not None and stopped.stopped.retry_after == 1800
    assert (stopped.sent, stopped.pending) == (0, 5) and _rows(ctx) == 0
    stop_maintenance(ctx, "IN-WB", actor="tests")
    done = desk.replay(store, deployment, now=ctx.now)
    assert (done.recorded, done.pending, done.stopped) == (5, 0, None)
    assert store.counts() == {"recorded": 5}


class _PullThePlug(Exception):
    pass


@settings(max_examples=8, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    admissions=st.integers(min_value=1, max_value=6),
    batch=st.integers(min_value=1, max_value=4),
    crash_after=st.integers(min_value=0, max_value=4),
    forget_marks=st.booleans(),
)
def test_whatever_the_interruptions_each_queued_event_is_recorded_exactly_once(
    ctx, wb, admissions, batch, crash_after, forget_marks
):
    """A desk that is interrupted after any number of batches, having marked them or not
    (a crash between the deployment's answer and the desk's write), and then replays until
    its queue is empty, leaves each of its events recorded once, and marks all of them."""
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch) / "desk"
        store = _queue(ctx, wb, directory, admissions)
        keys = [e.idempotency_key for e in store.all()]
        deployment = InProcessDeployment(ctx, nadia_desk())
        before = Path(scratch) / "before"
        shutil.copytree(directory, before)
        sent: list[int] = []

        def plug(report: desk.ReplayReport) -> None:
            sent.append(report.sent)
            if len(sent) > crash_after:
                raise _PullThePlug

        with contextlib.suppress(_PullThePlug):
            desk.replay(store, deployment, now=ctx.now, batch=batch, on_batch=plug)
        if forget_marks:  # the desk's file as it was before: every answer lost
            shutil.rmtree(directory)
            shutil.copytree(before, directory)
            store = DeskStore(directory)
        rounds = 0
        while store.counts().get("queued", 0):
            desk.replay(store, deployment, now=ctx.now, batch=batch)
            rounds += 1
            assert rounds < 5
        with ctx.uow() as uow:
            counted = uow.hospital_events.count_by_key(keys)
        assert counted == {k: 1 for k in keys}
        assert set(store.counts()) <= {"recorded", "already_recorded"}
