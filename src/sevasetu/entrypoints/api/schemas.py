"""Request and response bodies. Unknown fields are refused (``extra="forbid"``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ...domain.access import Principal
from ...domain.accounts import UserRecord
from ...domain.areas import Area, Facility
from ...domain.errors import DomainError
from ...domain.households import Household
from ...domain.people import Person
from ...services.households import MemberInput
from ...services.people import PersonInput


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=300)


class PersonCreate(Strict):
    name: str = Field(min_length=1, max_length=200, examples=["অমিত দাস"])
    sex: str = Field(examples=["male"], description="female, male or other")
    birth_date: date | None = None
    age_years: int | None = Field(default=None, description="when the date of birth is not known")
    phone: str | None = Field(default=None, max_length=20, examples=["+919876543210"])
    area_code: str = Field(max_length=40, examples=["IN-WB-NAD-KN1-DOG"])
    identifiers: dict[str, str] = Field(
        default_factory=dict,
        max_length=8,
        description="kind to number: aadhaar, abha, bd_nid, bd_brn, voter_id, ration_card",
    )
    confirm_new: bool = Field(default=False, description="register despite similar people")

    def to_input(self) -> PersonInput:
        return PersonInput(
            self.name,
            self.sex,
            self.area_code,
            self.birth_date,
            self.age_years,
            self.phone,
            dict(self.identifiers),
        )


class PersonUpdate(Strict):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    sex: str | None = None
    birth_date: date | None = None
    age_years: int | None = None
    phone: str | None = Field(default=None, max_length=20)
    area_code: str | None = Field(default=None, max_length=40)
    identifiers: dict[str, str] | None = Field(default=None, max_length=8)
    reason: str = Field(min_length=3, max_length=300, description="why the record is corrected")
    version: int | None = Field(default=None, description="the version you read; refused if stale")

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True, exclude={"reason", "version"})


class IdentifierPublic(BaseModel):
    kind: str
    display: str


class PersonPublic(BaseModel):
    id: str
    state_code: str
    area_code: str
    name: str
    name_latin: str
    sex: str
    birth_date: date
    birth_date_estimated: bool
    phone: str | None
    household_id: str | None
    relation_to_head: str | None
    identifiers: list[IdentifierPublic]
    version: int
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def of(cls, p: Person) -> PersonPublic:
        return cls(
            id=p.id,
            state_code=p.state_code,
            area_code=p.area_code,
            name=p.name,
            name_latin=p.name_latin,
            sex=p.sex.value,
            birth_date=p.birth_date,
            birth_date_estimated=p.birth_date_estimated,
            phone=p.phone,
            household_id=p.household_id,
            relation_to_head=p.relation_to_head,
            identifiers=[
                IdentifierPublic(kind=i.kind.value, display=i.display) for i in p.identifiers
            ],
            version=p.version,
            created_at=p.created_at,
            updated_at=p.updated_at,
        )


class PersonPage(BaseModel):
    items: list[PersonPublic]
    page: int
    page_size: int
    has_more: bool


class MemberCreate(Strict):
    relation: str = Field(examples=["head"])
    person: PersonCreateInHousehold | None = None
    person_id: str | None = None

    def to_input(self) -> MemberInput:
        return MemberInput(
            self.relation, self.person.to_input() if self.person else None, self.person_id
        )


class PersonCreateInHousehold(PersonCreate):
    area_code: str = Field(default="", max_length=40, description="defaults to the household's")
    confirm_new: bool = False


class HouseholdCreate(Strict):
    area_code: str = Field(max_length=40)
    address: str = Field(default="", max_length=300)
    members: list[MemberCreate] = Field(min_length=1, max_length=60)
    confirm_new: bool = False


class HouseholdPublic(BaseModel):
    id: str
    state_code: str
    area_code: str
    address: str
    head_person_id: str | None
    members: list[PersonPublic]

    @classmethod
    def of(cls, h: Household, members: list[Person]) -> HouseholdPublic:
        return cls(
            id=h.id,
            state_code=h.state_code,
            area_code=h.area_code,
            address=h.address,
            head_person_id=h.head_person_id,
            members=[PersonPublic.of(p) for p in members],
        )


class AreaPublic(BaseModel):
    code: str
    name: str
    name_local: str | None
    level: str
    parent_code: str | None
    state_code: str

    @classmethod
    def of(cls, a: Area) -> AreaPublic:
        return cls(
            code=a.code,
            name=a.name,
            name_local=a.name_local,
            level=a.level.value,
            parent_code=a.parent_code,
            state_code=a.state_code,
        )


class FacilityPublic(BaseModel):
    code: str
    name: str
    name_local: str | None
    kind: str
    area_code: str
    address: str

    @classmethod
    def of(cls, f: Facility) -> FacilityPublic:
        return cls(
            code=f.code,
            name=f.name,
            name_local=f.name_local,
            kind=f.kind.value,
            area_code=f.area_code,
            address=f.address,
        )


class LoginRequest(Strict):
    username: str = Field(max_length=60)
    password: str = Field(max_length=200)


class OtpRequest(Strict):
    phone: str = Field(max_length=20)
    language: str = Field(default="en", max_length=5)


class OtpVerify(Strict):
    phone: str = Field(max_length=20)
    code: str = Field(min_length=4, max_length=8)
    language: str = Field(default="en", max_length=5)


class TokenPublic(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    principal: PrincipalPublic


class PrincipalPublic(BaseModel):
    kind: str
    id: str
    role: str
    name: str
    area_code: str | None
    state_code: str | None
    language: str

    @classmethod
    def of(cls, p: Principal) -> PrincipalPublic:
        return cls(kind=p.kind, id=p.id, role=p.role.value, name=p.name, area_code=p.area_code,
                   state_code=p.state_code, language=p.language)  # fmt: skip


class UserCreate(Strict):
    username: str = Field(min_length=3, max_length=60)
    password: str = Field(min_length=10, max_length=200)
    role: str
    area_code: str = Field(max_length=40)
    full_name: str = Field(min_length=1, max_length=120)
    language: str = Field(default="en", max_length=5)


class UserPublic(BaseModel):
    id: str
    username: str
    full_name: str
    role: str
    area_code: str
    state_code: str
    language: str

    @classmethod
    def of(cls, u: UserRecord) -> UserPublic:
        return cls(id=u.id, username=u.username, full_name=u.full_name, role=u.role.value,
                   area_code=u.area_code, state_code=u.state_code, language=u.language)  # fmt: skip


def conflict_extensions(error: DomainError) -> dict[str, Any]:
    """What a 409 carries besides its sentence: the record that already exists, if the caller
    may see it, or the similar people to confirm against."""
    extra: dict[str, Any] = {}
    existing = getattr(error, "existing", None)
    if existing is not None:
        extra["existing"] = PersonPublic.of(existing).model_dump(mode="json")
    matches = getattr(error, "matches", None)
    if matches:
        extra["matches"] = [
            {"score": m.score, "person": PersonPublic.of(m.person).model_dump(mode="json")}
            for m in matches
        ]
    return extra


TokenPublic.model_rebuild()
MemberCreate.model_rebuild()
