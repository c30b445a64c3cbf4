"""The server-rendered pages, driven through HTTP as a browser would (without running JS)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sevasetu.bootstrap import AppContext
from sevasetu.domain.access import Principal
from sevasetu.entrypoints.api.app import create_app
from sevasetu.services.auth import principal_for_token
from sevasetu.services.people import PersonInput, register_person, search_people

from ..builders import NADIA_BLOCK, NADIA_VILLAGE, PASSWORD, aadhaar, staff

PAGE_LIMIT = 100_000
OTHER_VILLAGE = "IN-WB-NAD-KN1-BKH"


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def field_error(html: str, field_id: str) -> str:
    found = re.search(rf'id="{re.escape(field_id)}-error">([^<]+)<', html)
    assert found, f"no error shown next to {field_id}"
    return found.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD) -> Any:
    page = client.get("/login")
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf": csrf_of(page.text)},
        follow_redirects=False,
    )


@pytest.fixture
def asha(ctx: AppContext) -> Principal:
    return principal_for_token(ctx, staff(ctx, "asha.test", "asha", NADIA_BLOCK, "en"))


@pytest.fixture
def client(ctx: AppContext, asha: Principal) -> TestClient:
    client = TestClient(create_app(ctx=ctx))
    assert login(client, "asha.test").status_code == 303
    return client


def people_in_area(ctx: AppContext, principal: Principal, query: str = "") -> list[Any]:
    return search_people(ctx, principal, query, page_size=100).items


def person_form(client: TestClient, **overrides: str) -> dict[str, str]:
    form = {
        "csrf": csrf_of(client.get("/people/new").text),
        "name": "অমিত দাস",
        "sex": "male",
        "birth_date": "1990-04-12",
        "age_years": "",
        "phone": "9876543210",
        "area_code": NADIA_VILLAGE,
        "identifiers.aadhaar": aadhaar("23456789012"),
    }
    form.update(overrides)
    return form


def household_form(client: TestClient, **overrides: str) -> dict[str, str]:
    form = {
        "csrf": csrf_of(client.get("/households/new").text),
        "area_code": OTHER_VILLAGE,
        "address": "near the old pond",
        "members[0].name": "রহিম শেখ",
        "members[0].relation": "head",
        "members[0].sex": "male",
        "members[0].age_years": "45",
        "members[0].identifiers.aadhaar": aadhaar("34567890123"),
        "members[1].name": "ফাতেমা বিবি",
        "members[1].relation": "spouse",
        "members[1].sex": "female",
        "members[1].age_years": "40",
        "members[2].name": "সালমা খাতুন",
        "members[2].relation": "daughter",
        "members[2].sex": "female",
        "members[2].birth_date": "2015-02-03",
        "members[3].name": "",
        "members[3].relation": "",
        "members[3].sex": "",
    }
    form.update(overrides)
    return form


# --- logging in ----------------------------------------------------------------------------


def test_login_sets_an_httponly_lax_session_cookie(ctx: AppContext, asha: Principal) -> None:
    client = TestClient(create_app(ctx=ctx))
    answer = login(client, "asha.test")
    assert answer.status_code == 303 and answer.headers["location"] == "/people"
    cookie = next(
        c for c in answer.headers.get_list("set-cookie") if c.startswith("sevasetu_session=")
    )
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
    assert client.get("/people").status_code == 200


def test_a_wrong_password_is_told_in_the_users_language_and_keeps_the_username(
    ctx: AppContext, asha: Principal
) -> None:
    client = TestClient(create_app(ctx=ctx), headers={"Accept-Language": "bn-IN,bn;q=0.9"})
    answer = login(client, "asha.test", "not the password")
    assert answer.status_code == 401
    assert "ইউজারনেম বা পাসওয়ার্ড ভুল।" in answer.text
    assert 'value="asha.test"' in answer.text
    assert "sevasetu_session" not in client.cookies


def test_login_then_logout_ends_the_session(client: TestClient) -> None:
    csrf = csrf_of(client.get("/people").text)
    answer = client.post("/logout", data={"csrf": csrf}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/login"
    assert client.get("/people", follow_redirects=False).status_code == 303


@pytest.mark.parametrize(
    "path",
    [
        "/people",
        "/people/new",
        "/households/new",
        "/people/some-id",
        "/households/some-id",
        "/people?q=amit",
    ],
)
def test_pages_send_visitors_who_are_not_logged_in_to_the_login_page(
    ctx: AppContext, path: str
) -> None:
    client = TestClient(create_app(ctx=ctx))
    answer = client.get(path, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/login?next=/")


def test_the_root_page_points_to_login_or_to_the_search(
    ctx: AppContext, client: TestClient
) -> None:
    assert (
        TestClient(create_app(ctx=ctx)).get("/", follow_redirects=False).headers["location"]
        == "/login"
    )
    assert client.get("/", follow_redirects=False).headers["location"] == "/people"


def test_after_login_the_user_returns_to_the_page_asked_for(
    ctx: AppContext, asha: Principal
) -> None:
    client = TestClient(create_app(ctx=ctx))
    page = client.get("/households/new")  # follows to /login?next=/households/new
    answer = client.post(
        "/login",
        data={
            "username": "asha.test",
            "password": PASSWORD,
            "csrf": csrf_of(page.text),
            "next": "/households/new",
        },
        follow_redirects=False,
    )
    assert answer.headers["location"] == "/households/new"


# --- language ------------------------------------------------------------------------------


def test_the_language_switch_turns_the_pages_bengali(client: TestClient) -> None:
    assert "Find a person" in client.get("/people").text
    answer = client.get("/lang/bn?next=/people", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/people"
    page = client.get("/people").text
    assert '<html lang="bn">' in page and "ব্যক্তি খুঁজুন" in page and "সেবাসেতু" in page
    assert "আশা কর্মী" in page  # the role in the header
    for name in ("English", "বাংলা", "हिन्दी"):
        assert name in page


def test_without_the_cookie_a_user_sees_their_own_language(ctx: AppContext) -> None:
    staff(ctx, "anm.hindi", "anm", "IN-CG", "hi")
    client = TestClient(create_app(ctx=ctx), headers={"Accept-Language": "en"})
    login(client, "anm.hindi")
    assert "व्यक्ति खोजें" in client.get("/people").text


def test_the_language_switch_never_redirects_to_another_site(client: TestClient) -> None:
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        answer = client.get("/lang/hi", params={"next": target}, follow_redirects=False)
        assert answer.headers["location"] == "/"


# --- people --------------------------------------------------------------------------------


def test_registering_through_the_form_writes_the_person(
    ctx: AppContext, client: TestClient, asha: Principal
) -> None:
    number = aadhaar("23456789012")
    answer = client.post("/people/new", data=person_form(client), follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/people/")
    [person] = people_in_area(ctx, asha)
    assert person.name == "অমিত দাস" and person.phone == "+919876543210"
    page = client.get(answer.headers["location"]).text
    assert "অমিত দাস" in page and "Amit Das" in page and "Dogachhi" in page
    assert "xxxx-xxxx-" + number[-4:] in page and number not in page


def test_a_field_error_is_shown_next_to_its_field_in_the_users_language(
    client: TestClient, ctx: AppContext, asha: Principal
) -> None:
    client.get("/lang/bn")
    answer = client.post("/people/new", data=person_form(client, phone="12345"))
    assert answer.status_code == 422
    assert "বাংলাদেশি মোবাইল নম্বর নয়" in field_error(answer.text, "f-phone")
    assert 'value="অমিত দাস"' in answer.text and 'value="12345"' in answer.text
    assert people_in_area(ctx, asha) == []


def test_an_invalid_aadhaar_is_explained_in_bengali(client: TestClient) -> None:
    client.get("/lang/bn")
    answer = client.post(
        "/people/new", data=person_form(client, **{"identifiers.aadhaar": "2345678901"})
    )
    message = field_error(answer.text, "f-identifiers-aadhaar")
    assert message == "আধার নম্বরটি সঠিক নয়: এতে 12টি অঙ্ক থাকবে, 10টি নয়।"


def test_a_similar_person_must_be_confirmed_before_registering(
    ctx: AppContext, client: TestClient, asha: Principal
) -> None:
    client.post("/people/new", data=person_form(client), follow_redirects=False)
    again = person_form(client, name="অমিত দাশ", **{"identifiers.aadhaar": "", "phone": ""})
    warned = client.post("/people/new", data=again)
    assert warned.status_code == 409
    assert "Similar people are already registered" in warned.text
    assert 'name="confirm_new"' in warned.text and "Amit Das" in warned.text
    assert 'value="অমিত দাশ"' in warned.text
    assert len(people_in_area(ctx, asha)) == 1
    confirmed = client.post(
        "/people/new", data={**again, "confirm_new": "1"}, follow_redirects=False
    )
    assert confirmed.status_code == 303
    assert len(people_in_area(ctx, asha)) == 2


def test_a_known_identifier_links_to_the_existing_record(
    ctx: AppContext, client: TestClient, asha: Principal
) -> None:
    first = client.post("/people/new", data=person_form(client), follow_redirects=False)
    answer = client.post("/people/new", data=person_form(client, name="Rina Sen", sex="female"))
    assert answer.status_code == 409
    assert "A person with this Aadhaar number is already registered." in answer.text
    assert f'href="{first.headers["location"].split("?")[0]}"' in answer.text
    assert len(people_in_area(ctx, asha)) == 1


def test_search_finds_people_by_name_in_another_script_and_pages_through(
    ctx: AppContext, client: TestClient, asha: Principal
) -> None:
    for i in range(23):
        register_person(
            ctx,
            asha,
            PersonInput(f"Person {chr(65 + i)}", "female", NADIA_VILLAGE, age_years=20 + i),
            confirm_new=True,
        )
    register_person(
        ctx,
        asha,
        PersonInput("সুনীতা দেবী", "female", NADIA_VILLAGE, age_years=30, phone="9123456780"),
    )
    page = client.get("/people", params={"q": "Sunita"}).text
    assert "সুনীতা দেবী" in page and "Person A" not in page
    assert "সুনীতা দেবী" in client.get("/people", params={"q": "09123456780"}).text
    first = client.get("/people").text
    assert first.count('class="person"') == 20 and "page=2" in first
    second = client.get("/people", params={"page": "2"}).text
    assert second.count('class="person"') == 4 and "page=1" in second
    assert "Nobody was found" in client.get("/people", params={"q": "Zzyzx"}).text
    escaped = client.get("/people", params={"q": "<b>x</b>"}).text
    assert "<b>x</b>" not in escaped and "&lt;b&gt;x&lt;/b&gt;" in escaped


def test_records_outside_the_area_and_unknown_ids_are_refused(
    ctx: AppContext, client: TestClient
) -> None:
    other = principal_for_token(ctx, staff(ctx, "asha.cg", "asha", "IN-CG", "hi"))
    village = next(a.code for a in ctx.area_tree().within("IN-CG") if a.level == "village")
    elsewhere = register_person(ctx, other, PersonInput("राम कुमार", "male", village, age_years=30))
    refused = client.get(f"/people/{elsewhere.id}")
    assert refused.status_code == 403 and "outside yours" in refused.text
    assert client.get("/people/no-such-id").status_code == 404
    assert client.get("/households/no-such-id").status_code == 404


# --- CSRF ------------------------------------------------------------------------------------


def test_forms_without_the_csrf_token_are_refused(
    ctx: AppContext, client: TestClient, asha: Principal
) -> None:
    form = person_form(client)
    for sent in ({k: v for k, v in form.items() if k != "csrf"}, {**form, "csrf": "forged"}):
        answer = client.post("/people/new", data=sent, follow_redirects=False)
        assert answer.status_code == 403 and "nothing was saved" in answer.text
    answer = client.post(
        "/households/new", data={k: v for k, v in household_form(client).items() if k != "csrf"}
    )
    assert answer.status_code == 403
    assert client.post("/logout", data={}).status_code == 403
    assert people_in_area(ctx, asha) == []


def test_the_login_form_is_tied_to_the_browser(ctx: AppContext, asha: Principal) -> None:
    client = TestClient(create_app(ctx=ctx))
    answer = client.post(
        "/login",
        data={"username": "asha.test", "password": PASSWORD, "csrf": "guess"},
        follow_redirects=False,
    )
    assert answer.status_code == 403 and "sevasetu_session" not in client.cookies


# --- households ------------------------------------------------------------------------------


def test_the_household_form_registers_the_head_and_members_together(
    ctx: AppContext, client: TestClient, asha: Principal
) -> None:
    page = client.get("/households/new").text
    assert page.count('class="member"') == 4 and "roster.js" in page
    answer = client.post("/households/new", data=household_form(client), follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/households/")
    shown = client.get(answer.headers["location"]).text
    for name in ("রহিম শেখ", "ফাতেমা বিবি", "সালমা খাতুন"):
        assert name in shown
    assert "Head of household" in shown and "Wife or husband" in shown
    people = people_in_area(ctx, asha)
    assert len(people) == 3 and len({p.household_id for p in people}) == 1


def test_an_invalid_member_writes_nothing_and_is_marked_on_its_row(
    ctx: AppContext, client: TestClient, asha: Principal
) -> None:
    form = household_form(client, **{"members[2].identifiers.aadhaar": "234567890123"})
    answer = client.post("/households/new", data=form)
    assert answer.status_code == 422
    assert "check digit" in field_error(answer.text, "f-members-2-identifiers-aadhaar")
    assert 'value="ফাতেমা বিবি"' in answer.text
    assert people_in_area(ctx, asha) == []


def test_rows_left_empty_are_skipped_and_errors_keep_their_row_number(
    ctx: AppContext, client: TestClient, asha: Principal
) -> None:
    form = household_form(
        client,
        **{
            "members[1].name": "",
            "members[1].relation": "",
            "members[1].age_years": "",
            "members[5].name": "Extra Person",
            "members[5].relation": "son",
            "members[5].sex": "male",
            "members[5].age_years": "12",
            "members[5].phone": "12",
        },
    )
    answer = client.post("/households/new", data=form)
    assert answer.status_code == 422
    assert field_error(answer.text, "f-members-5-phone")
    assert answer.text.count('class="member"') == 6  # the row added by script stays
    missing_sex = household_form(client, **{"members[2].sex": ""})
    answer = client.post("/households/new", data=missing_sex)
    assert "female, male or other" in field_error(answer.text, "f-members-2-sex")
    no_relation = household_form(client, **{"members[1].relation": ""})
    answer = client.post("/households/new", data=no_relation)
    assert field_error(answer.text, "f-members-1-relation")
    assert people_in_area(ctx, asha) == []


# --- weight and headers ----------------------------------------------------------------------


def test_every_page_is_light(ctx: AppContext, client: TestClient, asha: Principal) -> None:
    for i in range(25):
        register_person(
            ctx,
            asha,
            PersonInput(
                f"অনিতা দাস {i}",
                "female",
                NADIA_VILLAGE,
                age_years=20 + i,
                identifiers={"aadhaar": aadhaar(f"2345678{i:04d}")},
            ),
            confirm_new=True,
        )
    household = client.post(
        "/households/new", data=household_form(client), follow_redirects=False
    ).headers["location"]
    person = re.search(r'href="(/people/[0-9a-f-]{36})"', client.get(household).text)
    assert person
    anonymous = TestClient(create_app(ctx=ctx))
    sizes = {
        "/login": len(anonymous.get("/login").content),
        "/people": len(client.get("/people").content),
        "/people?q=anita": len(client.get("/people", params={"q": "anita"}).content),
        "/people/new": len(client.get("/people/new").content),
        "/people/{id}": len(client.get(person.group(1)).content),
        "/households/new": len(client.get("/households/new").content),
        "/households/{id}": len(client.get(household).content),
        "sevasetu.css": len(client.get("/static/sevasetu.css").content),
        "roster.js": len(client.get("/static/roster.js").content),
    }
    print("page sizes in bytes:", sizes)
    heavy = {path: size for path, size in sizes.items() if size >= PAGE_LIMIT}
    assert not heavy, heavy
    assert sizes["sevasetu.css"] < 15_000 and sizes["roster.js"] < 3_000


def test_pages_are_not_cached_and_load_nothing_from_elsewhere(client: TestClient) -> None:
    answer = client.get("/people")
    assert answer.headers["cache-control"] == "no-store"
    assert "default-src 'self'" in answer.headers["content-security-policy"]
    assert "http://" not in answer.text and "https://" not in answer.text


def test_a_worker_in_bangladesh_is_asked_for_nid_and_birth_registration(ctx: AppContext) -> None:
    staff(ctx, "chw.tala", "asha", "BD-D-SAT-TAL", "bn")
    client = TestClient(create_app(ctx=ctx))
    login(client, "chw.tala")
    form = client.get("/people/new").text
    assert 'name="identifiers.bd_nid"' in form and 'name="identifiers.bd_brn"' in form
    assert "identifiers.aadhaar" not in form
    assert 'optgroup label="তালা (Tala)"' in form and "ওয়ার্ড ১ (Ward 1)" in form
    roster = client.get("/households/new").text
    assert 'name="members[0].identifiers.bd_nid"' in roster
