"""The household survey through the API: survey, refuse a member listed twice, return,
correct, approve, the January update and the change report; errors as RFC 9457 problems."""

from __future__ import annotations

from ..builders import auth, staff
from ..ledger_builders import TALA, TALA_W1

PROBLEMS = "https://sevasetu.org/problems/"


def member(relation, name, sex, born, **extra):
    return {"relation": relation, "person": {"name": name, "sex": sex, "birth_date": born},
            **extra}  # fmt: skip


def body(*members, **extra):
    return {"area_code": TALA_W1, "address": "Pukur par", "latitude": 22.75, "longitude": 89.25,
            "members": list(members), **extra}  # fmt: skip


def roster():
    return [
        member("head", "হাসান আলী", "male", "1975-02-01", occupation="farmer"),
        member("spouse", "সালমা বেগম", "female", "1985-06-01", pregnant_months=4),
        member("daughter", "রুমা খাতুন", "female", "2008-09-09", disabled=True),
    ]


def test_survey_verify_and_update_through_the_api(ctx, client):
    volunteer = staff(ctx, "vol.api", "asha", TALA, language="bn")
    verifier = staff(ctx, "ver.api", "verifier", TALA)
    officer = staff(ctx, "uno.api", "district_officer", TALA)

    twice = roster() + [member("son", "Ruma Khatun", "female", "2008-09-09")]
    refused = client.post("/api/v1/surveys", json=body(*twice),
                          headers=auth(volunteer, **{"Accept-Language": "bn"}))  # fmt: skip
    assert refused.status_code == 422
    problem = refused.json()
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert problem["type"] == PROBLEMS + "duplicate-member"
    assert problem["errors"][0]["field"] == "members[3]"
    english = client.post("/api/v1/surveys", json=body(*twice), headers=auth(volunteer)).json()
    assert english["detail"].startswith("Members 3 and 4 are the same person listed twice")
    assert problem["detail"] != english["detail"] and "একই মানুষ" in problem["detail"]
    with ctx.uow() as uow:
        assert uow.people.count() == 0

    made = client.post("/api/v1/surveys", json=body(*roster()), headers=auth(volunteer))
    assert made.status_code == 201, made.text
    survey = made.json()
    assert survey["status"] == "submitted" and survey["latitude"] == 22.75
    wife = next(m for m in survey["members"] if m["name"] == "সালমা বেগম")
    assert wife["pregnant"] is True

    queue = client.get("/api/v1/surveys", params={"status": "submitted"}, headers=auth(verifier))
    assert [s["id"] for s in queue.json()] == [survey["id"]]
    no_comment = client.post(f"/api/v1/surveys/{survey['id']}/review",
                             json={"decision": "return"}, headers=auth(verifier))  # fmt: skip
    assert no_comment.status_code == 422 and no_comment.json()["errors"][0]["field"] == "comment"
    own = client.post(f"/api/v1/surveys/{survey['id']}/review", json={"decision": "approve"},
                      headers=auth(volunteer))  # fmt: skip
    assert own.status_code == 403 and own.json()["type"] == PROBLEMS + "forbidden"
    back = client.post(f"/api/v1/surveys/{survey['id']}/review",
                       json={"decision": "return", "comment": "Add the son"},
                       headers=auth(verifier))  # fmt: skip
    assert back.json()["status"] == "returned"

    members = [{"relation": m["relation_to_head"], "person_id": m["id"]}
               for m in survey["members"]]  # fmt: skip
    members.append(member("son", "রনি আলী", "male", "2014-01-05"))
    fixed = client.put(f"/api/v1/surveys/{survey['id']}", json=body(*members),
                       headers=auth(volunteer))  # fmt: skip
    assert fixed.status_code == 200, fixed.text
    assert len(fixed.json()["members"]) == 4 and fixed.json()["submissions"] == 2
    approved = client.post(f"/api/v1/surveys/{survey['id']}/review",
                           json={"decision": "approve"}, headers=auth(verifier))  # fmt: skip
    assert approved.json()["status"] == "approved"
    again = client.put(f"/api/v1/surveys/{survey['id']}", json=body(*members),
                       headers=auth(volunteer))  # fmt: skip
    assert again.status_code == 409 and again.json()["type"] == PROBLEMS + "survey-state-conflict"

    started = client.post("/api/v1/survey-campaigns", json={"area_code": TALA, "year": 2026},
                          headers=auth(officer))  # fmt: skip
    assert started.json()["created"] == 1
    assert client.post("/api/v1/survey-campaigns", json={"area_code": TALA, "year": 2026},
                       headers=auth(officer)).json()["created"] == 0  # fmt: skip
    assert client.post("/api/v1/survey-campaigns", json={"area_code": TALA, "year": 2026},
                       headers=auth(volunteer)).status_code == 403  # fmt: skip
    (task,) = client.get("/api/v1/surveys", params={"status": "open"},
                         headers=auth(volunteer)).json()  # fmt: skip
    update = [{"relation": m["relation_to_head"], "person_id": m["id"]} for m in task["members"]]
    son = next(m for m in update if m["relation"] == "son")
    son.update(status="moved_out", event_date="2026-09-01")
    born = member("son", "নবজাতক আলী", "male", "2026-10-15")
    no_arrival = client.put(f"/api/v1/surveys/{task['id']}", json=body(*update, born),
                            headers=auth(volunteer))  # fmt: skip
    assert no_arrival.status_code == 422
    assert no_arrival.json()["errors"][0]["field"] == "members[4].arrival"
    done = client.put(f"/api/v1/surveys/{task['id']}",
                      json=body(*update, {**born, "arrival": "born"}),
                      headers=auth(volunteer))  # fmt: skip
    assert done.status_code == 200, done.text
    client.post(f"/api/v1/surveys/{task['id']}/review", json={"decision": "approve"},
                headers=auth(verifier))  # fmt: skip
    report = client.get("/api/v1/reports/changes", params={"area": TALA, "year": 2026},
                        headers=auth(officer)).json()  # fmt: skip
    assert report["totals"] == {"birth": 1, "move_out": 1}
    assert report["wards"][TALA_W1] == {"birth": 1, "move_out": 1}
    assert {c["name"] for c in report["changes"]} == {"নবজাতক আলী", "রনি আলী"}
