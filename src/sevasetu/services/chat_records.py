"""What the chat tells from the records: the vaccines due for the family, and a person's
certificate (the signed PDF as a document, with the link to verify it)."""

from __future__ import annotations

from ..domain.chat_flow import RETRY, Step
from ..domain.chat_messages import Document
from ..domain.chat_texts import say
from ..domain.errors import DomainError
from ..domain.schedule import Status
from .certificates import certificate_pdf
from .chat_people import chosen_person, citizen, family, person_rows
from .chat_turn import Turn
from .due_lists import child_card

DUE_NOW = (Status.OVERDUE, Status.DUE)
MAX_LINES = 30


def due_vaccines(turn: Turn) -> None:
    """Every registered person's doses due or overdue today, by the schedule of their area."""
    principal, lines = citizen(turn), []
    if principal is None or not (people := family(turn)):
        turn.send_text(say("nobody", turn.lang))
        return
    for person in people:
        card = child_card(turn.ctx, principal, person.id)
        for d in card.doses:
            if d.status in DUE_NOW and d.due_date is not None:
                lines.append(say("due.line", turn.lang, name=person.name, dose=d.code,
                                 status=say(f"status.{d.status.value}", turn.lang),
                                 day=d.due_date.isoformat()))  # fmt: skip
    if not lines:
        turn.send_text(say("due.none", turn.lang))
        return
    turn.send_text("\n".join([say("due.head", turn.lang), *lines[:MAX_LINES]]))


def ask_person(turn: Turn) -> None:
    turn.choose(say("cert.person", turn.lang), person_rows(turn, family(turn)))


def on_person(turn: Turn, answer: str) -> str:
    person, principal = chosen_person(turn, answer), citizen(turn)
    if person is None or principal is None:
        turn.send_text(say("book.gone", turn.lang))
        return RETRY
    ctx = turn.ctx
    with ctx.uow() as uow:
        given = uow.vaccinations.of_person(person.state_code, person.id)
    if not given:
        turn.send_text(say("cert.none", turn.lang, name=person.name))
        return "done"
    try:
        pdf, card = certificate_pdf(ctx, principal, person.id, turn.lang)
    except DomainError as error:
        turn.refuse(error)
        return "done"
    filename = f"sevasetu-certificate-{card.certificate_id}.pdf"
    # Uploaded now; the document message that names it is queued with the other replies.
    media_id = ctx.whatsapp.upload_media(pdf, "application/pdf", filename)
    link = f"{str(ctx.settings.base_url).rstrip('/')}/verify"
    turn.send(
        Document(
            filename=filename,
            media_id=media_id,
            caption=say("cert.caption", turn.lang, name=person.name, link=link),
        )
    )
    return "done"  # fmt: skip


HANDLERS = {Step.CERT_PERSON: on_person}
PROMPTS = {Step.CERT_PERSON: ask_person}
