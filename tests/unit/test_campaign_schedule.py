"""The COVID-19 campaign schedule: phases, the same vaccine for dose 2, dated intervals."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sevasetu.adapters.schedules import load_schedule, parse_schedule
from sevasetu.domain.errors import DoseRefused, InvalidInput
from sevasetu.domain.schedule import Status, check_dose, due_doses

COVID = load_schedule("covid19-india")
FIFTY_IN_2021 = date(1970, 6, 1)


def statuses(today, given=None, products=None, birth=FIFTY_IN_2021, conditions=()):
    judged = due_doses(COVID, birth=birth, today=today, given=given or {},
                       products=products or {}, conditions=frozenset(conditions))  # fmt: skip
    return {s.code: (s.status.value, s.due_date) for s in judged}


def refusal(code, on, given, products, product, birth=FIFTY_IN_2021, conditions=()):
    with pytest.raises(DoseRefused) as refused:
        check_dose(COVID, code, birth=birth, on=on, given=given, products=products,
                   product=product, conditions=frozenset(conditions))  # fmt: skip
    return str(refused.value)


def test_phases_open_the_first_dose_by_age_and_condition():
    assert statuses(date(2021, 3, 15))["COVID1"] == ("upcoming", date(2021, 4, 1))  # 45+
    assert statuses(date(2021, 3, 15), conditions=["comorbidity"])["COVID1"] == (
        "due",
        date(2021, 3, 1),
    )
    assert statuses(date(2021, 2, 1), conditions=["health_worker"])["COVID1"] == (
        "due",
        date(2021, 1, 16),
    )
    young = date(2000, 1, 1)  # 21 in 2021: from 1 May
    assert statuses(date(2021, 4, 20), birth=young)["COVID1"] == ("upcoming", date(2021, 5, 1))
    teen = date(2006, 6, 1)  # 15 on 3 January 2022: Covaxin only
    assert statuses(date(2022, 1, 10), birth=teen)["COVID1"] == ("due", date(2022, 1, 3))
    child = date(2020, 1, 1)
    assert statuses(date(2022, 6, 1), birth=child)["COVID1"] == ("upcoming", date(2032, 1, 1))
    assert "opens on 2021-04-01" in refusal("COVID1", date(2021, 3, 20), {}, {}, "covishield")
    assert "not offered for this age group" in refusal(
        "COVID1", date(2022, 1, 10), {}, {}, "covishield", birth=teen
    )


def test_covishield_second_dose_follows_the_rule_in_force_on_its_day():
    first = {"COVID1": date(2021, 4, 5)}
    shield = {"COVID1": "covishield"}
    # Before 13 May 2021: 4-8 weeks. Five weeks later, on 10 May, it may be given.
    check_dose(COVID, "COVID2", birth=FIFTY_IN_2021, on=date(2021, 5, 10), given=first,
               products=shield, product="covishield")  # fmt: skip
    # From 13 May: 12-16 weeks. On 20 May it is too soon, and says from when.
    assert "12w, so it is due from 2021-06-28" in refusal(
        "COVID2", date(2021, 5, 20), first, shield, "covishield"
    )
    assert statuses(date(2021, 5, 20), first, shield)["COVID2"] == ("upcoming", date(2021, 6, 28))
    assert statuses(date(2021, 4, 20), first, shield)["COVID2"] == ("upcoming", date(2021, 5, 3))


def test_covaxin_kept_four_to_six_weeks_and_is_late_after_six():
    first = {"COVID1": date(2021, 4, 5)}
    covaxin = {"COVID1": "covaxin"}
    assert statuses(date(2021, 5, 10), first, covaxin)["COVID2"] == ("due", date(2021, 5, 3))
    assert statuses(date(2021, 6, 1), first, covaxin)["COVID2"] == ("overdue", date(2021, 5, 3))
    check_dose(COVID, "COVID2", birth=FIFTY_IN_2021, on=date(2021, 5, 20), given=first,
               products=covaxin, product="covaxin")  # fmt: skip


def test_dose_two_of_another_vaccine_is_refused_and_corbevax_may_boost_from_august_2022():
    first = {"COVID1": date(2021, 4, 5)}
    assert "same vaccine as the first dose (covishield)" in refusal(
        "COVID2", date(2021, 8, 1), first, {"COVID1": "covishield"}, "covaxin"
    )
    two = {"COVID1": date(2021, 4, 5), "COVID2": date(2021, 7, 5)}
    shield = {"COVID1": "covishield", "COVID2": "covishield"}
    assert "same vaccine" in refusal("COVIDP", date(2022, 8, 1), two, shield, "corbevax")
    check_dose(COVID, "COVIDP", birth=FIFTY_IN_2021, on=date(2022, 8, 20), given=two,
               products=shield, product="corbevax")  # fmt: skip


def test_the_precaution_dose_interval_went_from_nine_months_to_six():
    two = {"COVID1": date(2021, 4, 5), "COVID2": date(2021, 12, 20)}
    shield = {"COVID1": "covishield", "COVID2": "covishield"}
    # 60+ with the precaution dose open: 9 months (39 weeks) before 6 July 2022, then 26 weeks.
    old = date(1950, 1, 1)
    assert "39w, so it is due from 2022-09-19" in refusal(
        "COVIDP", date(2022, 7, 1), two, shield, "covishield", birth=old
    )
    check_dose(COVID, "COVIDP", birth=old, on=date(2022, 7, 10), given=two, products=shield,
               product="covishield")  # fmt: skip
    assert statuses(date(2022, 7, 10), two, shield, birth=old)["COVIDP"] == (
        "due",
        date(2022, 6, 20),
    )
    # Under 60 without a condition: the phase opened on 10 April 2022 for 18+.
    assert statuses(date(2022, 3, 1), two, shield)["COVIDP"] == ("upcoming", date(2022, 9, 19))
    assert "has not been given yet" in refusal(
        "COVIDP",
        date(2022, 9, 1),
        {"COVID1": date(2021, 4, 5)},
        {"COVID1": "covishield"},
        "covishield",
    )


def test_products_are_known_by_their_spellings_and_unknown_ones_refused():
    assert COVID.campaign.product("ChAdOx1 nCoV-19") == "covishield"
    assert COVID.campaign.product(" COVAXIN ") == "covaxin"
    with pytest.raises(InvalidInput, match="not a vaccine of this campaign"):
        COVID.campaign.product("Sputnik V")


def test_a_campaign_file_naming_an_unknown_vaccine_or_dose_is_refused():
    data = {"name": "x", "title": "x", "dose": [
        {"code": "C1", "antigen": "a", "series": "C", "number": 1, "due": "0d",
         "group": "campaign"}],
        "product": [{"name": "p", "title": "P"}],
        "phase": [{"dose": "C1", "from": "2021-01-01", "products": ["q"]}]}  # fmt: skip
    with pytest.raises(InvalidInput, match="unknown vaccine q"):
        parse_schedule(data, "x.toml")
    data["phase"] = [{"dose": "C9", "from": "2021-01-01"}]
    with pytest.raises(InvalidInput, match="unknown dose C9"):
        parse_schedule(data, "x.toml")


days = st.dates(min_value=date(2021, 1, 16), max_value=date(2023, 12, 31))


@settings(max_examples=300, deadline=None)
@given(first=days, gap=st.integers(0, 200), product=st.sampled_from(["covishield", "covaxin"]),
       later=st.integers(0, 400))  # fmt: skip
def test_dose_two_is_never_due_before_the_interval_in_force(first, gap, product, later):
    """Whatever the day: COVID2 is never due (nor may it be given) before the minimum interval
    of the rule in force that day, and once given it stays given."""
    today = first + timedelta(days=later)
    products = {"COVID1": product}
    judged = statuses(today, {"COVID1": first}, products)
    rule = COVID.campaign.interval("COVID2", product, today)
    status, due = judged["COVID2"]
    assert due == rule.minimum.after(first)
    if status in (Status.DUE.value, Status.OVERDUE.value):
        assert today >= rule.minimum.after(first)
    on = first + timedelta(days=gap)
    try:
        check_dose(COVID, "COVID2", birth=FIFTY_IN_2021, on=on, given={"COVID1": first},
                   products=products, product=product)  # fmt: skip
    except DoseRefused:
        assert on < COVID.campaign.interval("COVID2", product, on).minimum.after(first)
    else:
        assert on >= COVID.campaign.interval("COVID2", product, on).minimum.after(first)
        after = statuses(on + timedelta(days=later), {"COVID1": first, "COVID2": on},
                         {"COVID1": product, "COVID2": product})  # fmt: skip
        assert after["COVID2"][0] == "given"
