"""Vaccination certificates: SMART Health Cards signed with the issuer's key, the keys and
their rotation, revocation, verification, and the printed (PDF) certificate. The FHIR
ImmunizationRecord document and its import are in ``fhir_records``."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from ..adapters.certificates import fhir, shc
from ..adapters.certificates.verify import VerifiedCard, verify_card
from ..adapters.db.repositories.certificates import Revocation, StoredKey
from ..adapters.schedules import load_schedule
from ..domain.access import Principal
from ..domain.areas import state_language
from ..domain.certificate_print import CertificatePrint, PrintedDose, PrintedDue
from ..domain.errors import InvalidInput, NotFound
from ..domain.people import Person
from ..domain.vaccinations import Vaccination
from .audit import audit_denials, record
from .fhir_records import facility_names, given_doses, holder_of, next_due
from .people import get_person
from .ports import Context

ALGORITHM = "ES256"


# --- keys --------------------------------------------------------------------------------


def _passphrase(ctx: Context) -> bytes:
    """The stored private keys are encrypted under a key derived from SEVASETU_SECRET_KEY."""
    return ctx.secret_hash("signing-key", "pkcs8").encode()


def _new_key(ctx: Context) -> StoredKey:
    made = shc.generate_key(_passphrase(ctx))
    return StoredKey(made.kid, ALGORITHM, made.private_pem, made.public_jwk, ctx.now(), None)


def active_key(ctx: Context) -> StoredKey:
    """The one key that signs; the first one is made on first use."""
    with ctx.uow() as uow:
        key: StoredKey | None = uow.signing_keys.active()
    if key is not None:
        return key
    with ctx.uow(write=True) as uow:
        key = uow.signing_keys.active()
        if key is not None:  # made by someone else meanwhile
            return key
        key = _new_key(ctx)
        if not uow.signing_keys.add_active(key):  # pragma: no cover - a race on PostgreSQL
            uow.rollback()
            return active_key(ctx)
        record(ctx, uow, actor="system", action="signing_key.create", subject_type="signing_key",
               subject_id=key.kid[:36], state_code=None, kid=key.kid)  # fmt: skip
        uow.commit()
    return key


def rotate_key(ctx: Context, actor: str = "cli") -> tuple[str | None, str]:
    """A new active key; the old one is retired but stays published. Returns (old, new) kids."""
    with ctx.uow(write=True) as uow:
        old = uow.signing_keys.active()
        if old is not None:
            uow.signing_keys.retire(old.kid, ctx.now())
        new = _new_key(ctx)
        if not uow.signing_keys.add_active(new):  # pragma: no cover
            raise RuntimeError("another key became active meanwhile")
        record(ctx, uow, actor=actor, action="signing_key.rotate", subject_type="signing_key",
               subject_id=new.kid[:36], state_code=None, kid=new.kid,
               retired=old.kid if old else None)  # fmt: skip
        uow.commit()
    return (old.kid if old else None), new.kid


def jwks(ctx: Context) -> dict[str, Any]:
    """Every key ever used, active or retired; a key with revocations names its CRL version."""
    with ctx.uow() as uow:
        keys = uow.signing_keys.all()
        versions = {k.kid: _crl_version(uow.revocations.of_key(k.kid)) for k in keys}
    published = []
    for key in keys:
        jwk = shc.published_jwk(key.public_jwk)
        if versions[key.kid]:
            jwk["crlVersion"] = versions[key.kid]
        published.append(jwk)
    return {"keys": published}


def _crl_version(revocations: list[Revocation]) -> int:
    return max((int(r.revoked_at.timestamp()) for r in revocations), default=0)


def crl(ctx: Context, kid: str) -> dict[str, Any]:
    """The SMART Health Cards revocation list of one key: ``rid.timestamp`` revokes the cards
    of that holder issued before the time. ``reasons`` is our extension, read by our verifier."""
    with ctx.uow() as uow:
        if not any(k.kid == kid for k in uow.signing_keys.all()):
            raise NotFound("kid", what="key", id=kid)
        revocations = uow.revocations.of_key(kid)
    return {
        "kid": kid,
        "method": "rid",
        "ctr": _crl_version(revocations),
        # Cards issued before the next second are revoked, those of the revoking second too.
        "rids": [f"{r.rid}.{int(r.revoked_at.timestamp()) + 1}" for r in revocations],
        "reasons": {r.rid: r.reason for r in revocations},
    }


def revocation_id(ctx: Context, person: Person) -> str:
    """The card's ``rid``: 64 bits of a keyed hash of the holder, the same on every card of
    theirs, and telling nothing about them without our secret."""
    digest = bytes.fromhex(ctx.secret_hash("shc-rid", f"{person.state_code}:{person.id}"))
    return shc.b64u(digest[:8])


def revoke(ctx: Context, person_id: str, reason: str, actor: str = "cli") -> int:
    """Revoke every card of the person issued until now, under every key. Returns how many
    keys' lists changed."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput("reason", reason="A revocation needs its reason.")
    with ctx.uow(write=True) as uow:
        person = uow.people.get(person_id)
        if person is None:
            raise NotFound("person_id", what="person", id=person_id)
        rid, now = revocation_id(ctx, person), ctx.now()
        keys = uow.signing_keys.all()
        for key in keys:
            uow.revocations.revoke(Revocation(person.state_code, key.kid, rid, person.id,
                                              reason[:300], now, actor))  # fmt: skip
        record(ctx, uow, actor=actor, action="certificate.revoke", subject_type="person",
               subject_id=person.id, state_code=person.state_code, rid=rid,
               reason=reason[:300])  # fmt: skip
        uow.commit()
    return len(keys)


def signing_key(ctx: Context) -> tuple[Any, str]:
    """The active private key, ready to sign, and its kid (for the other signed documents:
    eligibility cards, tenant bundles)."""
    key = active_key(ctx)
    return shc.load_private_key(key.private_pem, _passphrase(ctx)), key.kid


# --- issuing -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IssuedCard:
    jws: str
    qr: list[str]  # one shc:/ text, or the chunks shc:/1/2/..., shc:/2/2/...
    kid: str
    rid: str
    nbf: int
    person: Person
    doses: list[Vaccination]

    @property
    def certificate_id(self) -> str:
        return f"{self.rid}-{self.nbf}"

    def file(self) -> dict[str, list[str]]:
        return {"verifiableCredential": [self.jws]}


def sign_card(
    ctx: Context, person: Person, vaccinations: list[Vaccination], key: StoredKey | None = None
) -> IssuedCard:
    """Sign a card of the doses given; no access check, no audit (see ``issue_card``)."""
    key = key or active_key(ctx)
    private = shc.load_private_key(key.private_pem, _passphrase(ctx))
    nbf = int(ctx.now().timestamp())
    rid = revocation_id(ctx, person)
    issuer = str(ctx.settings.base_url).rstrip("/")
    doses = given_doses(vaccinations)
    jws = shc.sign(fhir.shc_payload(issuer, nbf, fhir.shc_bundle(holder_of(person), doses), rid),
                   private, key.kid)  # fmt: skip
    if len(jws) > shc.MAX_SINGLE_JWS:  # lot numbers go before the card is split over QR codes
        doses = [replace(d, lot="") for d in doses]
        jws = shc.sign(fhir.shc_payload(issuer, nbf, fhir.shc_bundle(holder_of(person), doses),
                                        rid), private, key.kid)  # fmt: skip
    return IssuedCard(jws, shc.qr_texts(jws), key.kid, rid, nbf, person, vaccinations)


@audit_denials
def issue_card(ctx: Context, principal: Principal, person_id: str) -> IssuedCard:
    """The SMART Health Card of everything a person was given; whoever may read the person."""
    person = get_person(ctx, principal, person_id)
    with ctx.uow() as uow:
        given = uow.vaccinations.of_person(person.state_code, person.id)
    card = sign_card(ctx, person, given)
    with ctx.uow(write=True) as uow:
        uow.defer_durability()
        record(ctx, uow, actor=principal, action="certificate.issue", subject_type="person",
               subject_id=person.id, state_code=person.state_code, kid=card.kid,
               certificate=card.certificate_id, doses=len(given))  # fmt: skip
        uow.commit()
    return card


def sign_card_for_operator(ctx: Context, person_id: str, actor: str = "cli") -> IssuedCard:
    """The card issued from the command line by the operator, who holds the database."""
    with ctx.uow() as uow:
        person = uow.people.get(person_id)
        if person is None:
            raise NotFound("person", what="person", id=person_id)
        given = uow.vaccinations.of_person(person.state_code, person.id)
    card = sign_card(ctx, person, given)
    with ctx.uow(write=True) as uow:
        record(ctx, uow, actor=actor, action="certificate.issue", subject_type="person",
               subject_id=person.id, state_code=person.state_code, kid=card.kid,
               certificate=card.certificate_id, doses=len(given))  # fmt: skip
        uow.commit()
    return card


def verify_with_issuer(ctx: Context, jws: str) -> VerifiedCard:
    """Verify a card against our own published keys and revocation lists."""
    published = jwks(ctx)
    crls = [crl(ctx, k["kid"]) for k in published["keys"] if k.get("crlVersion")]
    return verify_card(jws, published, crls)


# --- the printed certificate ---------------------------------------------------------------


def print_language(person: Person, requested: str | None) -> str:
    if requested in ("en", "bn", "hi"):
        return requested
    return state_language(person.state_code)


def certificate_print(ctx: Context, card: IssuedCard, language: str) -> CertificatePrint:
    person, given = card.person, card.doses
    facilities = facility_names(ctx, given)
    doses = tuple(
        PrintedDose(code=d.code, antigen=d.antigen, dose_label=_dose_label(v),
                    given_on=d.given_on, product=d.product, lot=d.lot,
                    facility_name=d.facility_name)
        for v, d in zip(given, given_doses(given, facilities), strict=True)
    )  # fmt: skip
    due = tuple(PrintedDue(d.code, d.antigen, d.due_date, d.status)
                for d in next_due(ctx, person, given)[:6])  # fmt: skip
    identifier = person.identifiers[0].display if person.identifiers else ""
    return CertificatePrint(
        language=language, holder_name=person.name_latin or person.name,
        holder_name_native=person.name, birth_date=person.birth_date, sex=person.sex.value,
        identifier_masked=identifier, person_id=person.id, doses=doses, next_due=due,
        issuer=str(ctx.settings.base_url), issued_on=ctx.today(),
        qr_text="\n".join(card.qr), certificate_id=card.certificate_id,
    )  # fmt: skip


def _dose_label(v: Vaccination) -> str:
    dose = load_schedule(v.schedule).by_code.get(v.dose_code)
    if dose is None:
        return v.dose_code
    if dose.due.amount == 0 and dose.group == "child" and dose.series != "BCG":
        return "Birth dose"
    if dose.code.endswith("B") or dose.series in ("DPTB", "OPVB", "TDB"):
        return f"Booster {dose.number}"
    return f"Dose {dose.number}"


def certificate_pdf(
    ctx: Context, principal: Principal, person_id: str, language: str | None = None
) -> tuple[bytes, IssuedCard]:
    from ..adapters.certificates.pdf import render_pdf

    card = issue_card(ctx, principal, person_id)
    printed = certificate_print(ctx, card, print_language(card.person, language))
    return render_pdf(printed), card
