"""Eligibility rules turned into SQL (adapters.db.eligibility_sql) hold for exactly the people
the domain's evaluator says they hold for: any rule tree over any facts, unknown values and the
29th of February included."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    select,
)

from sevasetu.adapters.db.eligibility_sql import FactColumns, condition
from sevasetu.domain.eligibility import (
    MARITAL_STATUSES,
    SEXES,
    All,
    Any_,
    Compare,
    Facts,
    Not,
    holds,
)
from sevasetu.domain.people import age_in_years
from sevasetu.domain.statistics import born_by

ON = date(2028, 2, 29)
AGES = (0, 16, 18, 21, 65)
# Birth dates on, and a day either side of, the day that makes someone each of AGES on ON.
BOUNDARIES = [born_by(ON, n) + timedelta(days=d) for n in AGES for d in (-1, 0, 1)]
AREAS = ["A", "A-1", "A-1-x", "A-1-y", "A-2", "B", "B-1"]
OCCUPATIONS = ("farmer", "fisher", "teacher")

metadata = MetaData()
facts_table = Table(
    "facts", metadata,
    Column("id", Integer, primary_key=True), Column("birth_date", Date), Column("sex", String),
    Column("area_code", String), Column("household_id", String), Column("household_size", Integer),
    Column("head_sex", String), Column("marital_status", String), Column("occupation", String),
    Column("disabled", Boolean), Column("chronic_illness", Boolean), Column("deceased_on", Date),
    Column("pregnant", Boolean),
)  # fmt: skip
engine = create_engine("sqlite://")
metadata.create_all(engine)
c = facts_table.c
COLUMNS = FactColumns(
    birth_date=c.birth_date, sex=c.sex, area_code=c.area_code, household_id=c.household_id,
    household_size=c.household_size, head_sex=c.head_sex, marital_status=c.marital_status,
    occupation=c.occupation, disabled=c.disabled, chronic_illness=c.chronic_illness,
    deceased_on=c.deceased_on, pregnant=c.pregnant.is_(True),
)  # fmt: skip


def within(code: str) -> list[str]:
    return [a for a in AREAS if a == code or a.startswith(code + "-")]


def path(code: str) -> tuple[str, ...]:
    parts = code.split("-")
    return tuple("-".join(parts[: i + 1]) for i in range(len(parts)))


people = st.fixed_dictionaries(
    {
        "birth_date": st.one_of(
            st.dates(min_value=date(1920, 1, 1), max_value=ON),
            st.sampled_from([date(y, 2, 29) for y in range(1960, 2028, 4)]),
            st.sampled_from(BOUNDARIES),
        ),
        "sex": st.sampled_from(SEXES),
        "area_code": st.sampled_from(AREAS),
        "household_id": st.one_of(st.none(), st.sampled_from(["h1", "h2"])),
        "household_size": st.integers(min_value=1, max_value=7),
        "head_sex": st.one_of(st.none(), st.sampled_from(SEXES)),
        "marital_status": st.one_of(st.none(), st.sampled_from(MARITAL_STATUSES)),
        "occupation": st.one_of(st.none(), st.sampled_from(OCCUPATIONS)),
        "disabled": st.one_of(st.none(), st.booleans()),
        "chronic_illness": st.one_of(st.none(), st.booleans()),
        "deceased_on": st.one_of(
            st.none(), st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1))
        ),  # fmt: skip
        "pregnant": st.booleans(),
    }
)


def words(choices: tuple[str, ...]) -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(st.sampled_from(choices), min_size=1, max_size=3, unique=True).map(tuple)


number_ops = st.sampled_from(["==", "!=", "<", "<=", ">", ">="])
word_compare = st.one_of(
    *(
        st.one_of(
            st.builds(Compare, st.just(fact), st.sampled_from(["==", "!="]), st.sampled_from(ws)),
            st.builds(Compare, st.just(fact), st.sampled_from(["in", "not in"]), words(ws)),
        )
        for fact, ws in (("sex", SEXES), ("marital_status", MARITAL_STATUSES),
                         ("occupation", OCCUPATIONS))
    )
)  # fmt: skip
leaf = st.one_of(
    st.builds(
        Compare,
        st.just("age"),
        number_ops,
        st.one_of(st.sampled_from(AGES), st.integers(min_value=-1, max_value=101)),
    ),
    st.builds(Compare, st.just("household_size"), number_ops, st.integers(0, 8)),
    word_compare,
    st.builds(
        Compare,
        st.sampled_from(
            [
                "disabled",
                "chronic_illness",
                "pregnant",
                "deceased",
                "female_headed_household",
                "lives_alone",
            ]
        ),
        st.sampled_from(["==", "!="]),
        st.sampled_from(["yes", "no"]),
    ),  # fmt: skip
    st.builds(
        Compare,
        st.just("area"),
        st.sampled_from(["within", "not within"]),
        st.sampled_from([*AREAS, "C"]),
    ),  # fmt: skip
)
rules = st.recursive(
    leaf,
    lambda inner: st.one_of(
        st.builds(Not, inner),
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: All(tuple(xs))),
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: Any_(tuple(xs))),
    ),
    max_leaves=6,
)


def facts_of(row: dict) -> Facts:
    in_household = row["household_id"] is not None
    size = row["household_size"] if in_household else 1
    return Facts(
        age=age_in_years(row["birth_date"], ON),
        sex=row["sex"],
        area_path=path(row["area_code"]),
        household_size=size,
        marital_status=row["marital_status"],
        occupation=row["occupation"],
        disabled=bool(row["disabled"]),
        chronic_illness=bool(row["chronic_illness"]),
        pregnant=row["pregnant"],
        deceased=row["deceased_on"] is not None and row["deceased_on"] <= ON,
        female_headed_household=in_household and row["head_sex"] == "female",
        lives_alone=in_household and size == 1,
    )


@settings(max_examples=300)
@given(st.lists(people, min_size=1, max_size=12), st.lists(rules, min_size=1, max_size=2))
def test_sql_holds_for_exactly_whom_the_evaluator_says(rows, parsed):
    stored = [{**r, "id": i, "household_size": r["household_size"] if r["household_id"] else None,
               "head_sex": r["head_sex"] if r["household_id"] else None}
              for i, r in enumerate(rows)]  # fmt: skip
    with engine.begin() as conn:
        conn.execute(facts_table.delete())
        conn.execute(facts_table.insert(), stored)
        found = {
            r[0]
            for r in conn.execute(select(c.id).where(condition(list(parsed), COLUMNS, ON, within)))
        }
    expected = {r["id"] for r in stored if all(holds(e, facts_of(r)) for e in parsed)}
    assert found == expected, [e.render() for e in parsed]
