"""Eligibility cards (docs/hospital-continuity.md): a card per person and scheme, signed with the
deployment's certificate keys, that a hospital desk verifies offline with the saved JWKS and
revocation lists; its revocation goes into the same lists as the certificates'."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..adapters.certificates import cards
from ..adapters.db.repositories.certificates import Revocation
from ..adapters.db.repositories.hospital import IssuedCardRow
from ..domain.access import Action, Principal, require
from ..domain.eligibility import Verdict, judge, parse_rules
from ..domain.eligibility_cards import CardClaims, check_validity_asked, default_validity
from ..domain.errors import InvalidInput, NotFound, Reason
from ..domain.people import Person
from ..domain.schemes import Scheme
from . import certificates
from .audit import audit_denials, record
from .people import get_person
from .ports import Context
from .schemes import check_eligibility, find_scheme, person_facts


@dataclass(frozen=True, slots=True)
class IssuedEligibilityCard:
    jws: str
    claims: CardClaims
    kid: str

    @property
    def card_id(self) -> str:
        return self.claims.card_id


def _refuse(scheme: Scheme, verdict: Verdict) -> None:
    if not verdict.eligible:
        failed = "; ".join(r.rule for r in verdict.results if not r.passed)
        raise InvalidInput(
            "scheme",
            reason=Reason(
                "This person is not eligible for {scheme}: {rules}.",
                scheme=scheme.code,
                rules=failed,
            ),
        )


def _sign(
    ctx: Context,
    person: Person,
    scheme: Scheme,
    actor: str,
    valid_from: date | None,
    valid_until: date | None,
) -> IssuedEligibilityCard:
    start = valid_from or ctx.today()
    end = valid_until or default_validity(scheme.period.value, start)
    check_validity_asked(start, end)
    private, kid = certificates.signing_key(ctx)
    now = ctx.now()
    claims = CardClaims(
        card_id=uuid.UUID(ctx.new_id()).hex[:16],
        issuer=str(ctx.settings.base_url).rstrip("/"),
        person_id=person.id,
        state_code=person.state_code,
        scheme_code=scheme.code,
        scheme_name=scheme.name_local or scheme.name,
        holder=person.name,
        birth_year=person.birth_date.year,
        valid_from=start,
        valid_until=end,
        issued_at=int(now.timestamp()),
    )
    jws = cards.sign_card(claims, private, kid)
    with ctx.uow(write=True) as uow:
        uow.eligibility_cards.add(
            IssuedCardRow(
                person.state_code,
                claims.card_id,
                person.id,
                scheme.code,
                start,
                end,
                kid,
                jws,
                now,
                actor,
            )
        )
        record(
            ctx,
            uow,
            actor=actor,
            action="eligibility_card.issue",
            subject_type="person",
            subject_id=person.id,
            state_code=person.state_code,
            card=claims.card_id,
            scheme=scheme.code,
            kid=kid,
            valid_until=end.isoformat(),
        )
        uow.commit()
    return IssuedEligibilityCard(jws, claims, kid)


@audit_denials
def issue_eligibility_card(
    ctx: Context,
    principal: Principal,
    person_id: str,
    scheme_code: str,
    *,
    valid_until: date | None = None,
) -> IssuedEligibilityCard:
    """A card for a person of the caller's area who is eligible for the scheme today."""
    require(principal, Action.CARD_ISSUE)
    person = get_person(ctx, principal, person_id)
    found = check_eligibility(ctx, principal, person.id, scheme_code)
    _refuse(found.scheme, found.verdict)
    return _sign(ctx, person, found.scheme, principal.actor, None, valid_until)


def issue_for_operator(
    ctx: Context,
    person_id: str,
    scheme_code: str,
    *,
    valid_from: date | None = None,
    valid_until: date | None = None,
    actor: str = "cli",
) -> IssuedEligibilityCard:
    """The card issued from the command line by the operator, who holds the database; the
    scheme's eligibility rules are checked as for anyone."""
    with ctx.uow() as uow:
        person = uow.people.get(person_id)
        if person is None:
            raise NotFound("person", what="person", id=person_id)
        scheme = find_scheme(uow, scheme_code, person.state_code)
        verdict = judge(
            parse_rules(list(scheme.rules)), person_facts(ctx, uow, person, ctx.today())
        )
    _refuse(scheme, verdict)
    return _sign(ctx, person, scheme, actor, valid_from, valid_until)


def card_of(ctx: Context, principal: Principal, person_id: str, card_id: str) -> IssuedCardRow:
    """One card issued to the person, to print again; whoever may read the person."""
    found = [c for c in cards_of(ctx, principal, person_id) if c.id == card_id]
    if not found:
        raise NotFound("card", what="eligibility card", id=card_id)
    return found[0]


def cards_of(ctx: Context, principal: Principal, person_id: str) -> list[IssuedCardRow]:
    person = get_person(ctx, principal, person_id)
    with ctx.uow() as uow:
        return uow.eligibility_cards.of_person(person.state_code, person.id)  # type: ignore[no-any-return]


@audit_denials
def revoke_eligibility_card(
    ctx: Context, principal: Principal, card_id: str, reason: str
) -> IssuedCardRow:
    """Revoke one card of a person of the caller's area."""
    require(principal, Action.CARD_ISSUE)
    with ctx.uow() as uow:
        card = uow.eligibility_cards.get(card_id)
    if card is None:
        raise NotFound("card", what="eligibility card", id=card_id)
    get_person(ctx, principal, card.person_id)  # the area rule, and the read audited
    return revoke_card(ctx, card_id, reason, actor=principal.actor)


def revoke_card(ctx: Context, card_id: str, reason: str, actor: str = "cli") -> IssuedCardRow:
    """Revoke one card under every key, in the lists the certificates' revocations use: the
    desks refuse it once they have synced them."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput("reason", reason="A revocation needs its reason.")
    with ctx.uow(write=True) as uow:
        card = uow.eligibility_cards.get(card_id)
        if card is None:
            raise NotFound("card", what="eligibility card", id=card_id)
        now = ctx.now()
        for key in uow.signing_keys.all():
            uow.revocations.revoke(
                Revocation(
                    card.state_code, key.kid, card.id, card.person_id, reason[:300], now, actor
                )
            )
        record(
            ctx,
            uow,
            actor=actor,
            action="eligibility_card.revoke",
            subject_type="person",
            subject_id=card.person_id,
            state_code=card.state_code,
            card=card.id,
            reason=reason[:300],
        )
        uow.commit()
    return card  # type: ignore[no-any-return]


def verify_with_issuer(ctx: Context, jws: str, on: date | None = None) -> CardClaims:
    """A card checked against our own published keys and revocation lists (the API's check)."""
    published = certificates.jwks(ctx)
    crls = [certificates.crl(ctx, k["kid"]) for k in published["keys"] if k.get("crlVersion")]
    return cards.verify_card(jws, published, crls, on=on or ctx.today())


def offline_bundle(ctx: Context) -> dict[str, Any]:
    """What a desk saves to check cards offline: the JWKS and every key's revocation list."""
    published = certificates.jwks(ctx)
    return {"jwks": published, "crls": [certificates.crl(ctx, k["kid"]) for k in published["keys"]]}
