"""What the WhatsApp bot answers: the conversation flows, run as the state machine of
``domain.chat_flow``.

``handle`` takes one message and the conversation (its language, its step and the answers
given so far in that step's flow) and returns the replies; it changes the conversation, which
the caller saves with the replies and the message's "processed" mark in one transaction. The
steps' handlers call the same services as the web (registration, booking, proofs,
certificates), each in its own transaction; those are safe to run again for the same message
after a crash (see ``chat_people.register`` and ``chat_booking.book``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from ..domain.chat_flow import (
    EXPECTS,
    RETRY,
    Expect,
    Keyword,
    Step,
    chosen_number,
    expired,
    keyword,
    next_step,
)
from ..domain.chat_messages import Button, Buttons, Conversation, Inbound, OutboundMessage, Text
from ..domain.chat_texts import say
from ..domain.maintenance import StateInMaintenance, StateMovedAway
from . import chat_booking, chat_people, chat_records
from .chat_turn import MORE, Turn, show_page
from .maintenance import chat_reply
from .ports import Context

LANGUAGE_PREFIX = "lang:"
LANGUAGES = {"en": "English", "bn": "বাংলা", "hi": "हिन्दी"}
MEDIA = frozenset({"image", "document"})
MENU_ITEMS = ("register", "book", "bookings", "due", "certificate", "help")

CONSENT = (
    "sevasetu (health department) keeps your messages, your WhatsApp number and the documents "
    "you send, to register you and your family and to book vaccinations. Health staff may "
    "read them.\n"
    "সেবাসেতু (স্বাস্থ্য দপ্তর) নিবন্ধন ও টিকার বুকিংয়ের জন্য আপনার বার্তা, হোয়াটসঅ্যাপ নম্বর ও "
    "পাঠানো নথি রাখে; স্বাস্থ্যকর্মীরা সেগুলি দেখতে পারেন।\n"
    "सेवासेतु (स्वास्थ्य विभाग) पंजीकरण और टीके की बुकिंग के लिए आपके संदेश, व्हाट्सऐप नंबर और "
    "भेजे गए दस्तावेज़ रखता है; स्वास्थ्यकर्मी उन्हें देख सकते हैं।\n\n"
    "Choose your language / ভাষা বেছে নিন / भाषा चुनें"
)
CHOOSE_LANGUAGE = "Choose your language / ভাষা বেছে নিন / भाषा चुनें"

LANGUAGE_SET = {
    "en": "Thank you. sevasetu will write to you in English.",
    "bn": "ধন্যবাদ। সেবাসেতু আপনাকে বাংলায় লিখবে।",
    "hi": "धन्यवाद। सेवासेतु आपको हिन्दी में लिखेगा।",
}


def language_choice(body: str = CONSENT) -> Buttons:
    return Buttons(body=body, buttons=tuple(
        Button(id=f"{LANGUAGE_PREFIX}{code}", title=title) for code, title in LANGUAGES.items()
    ))  # fmt: skip


def show_menu(turn: Turn, lead: str = "") -> None:
    rows = [(f"menu:{item}", say(f"menu.{item}", turn.lang)) for item in MENU_ITEMS]
    body = f"{lead}\n\n{say('menu', turn.lang)}" if lead else say("menu", turn.lang)
    turn.choose(body, rows, button=say("menu.button", turn.lang))


def menu_choice(turn: Turn, answer: str) -> str:
    item = answer.removeprefix("menu:")
    if item == "due":
        chat_records.due_vaccines(turn)
        return "done"
    if item == "help":
        turn.send(Text(say("help", turn.lang)))
        return "done"
    if item in ("book", "bookings", "certificate") and not chat_people.family(turn):
        turn.send(Text(say("nobody", turn.lang)))
        return "done"
    if item == "bookings" and not chat_booking.has_bookings(turn):
        return "done"
    if item not in MENU_ITEMS:
        turn.send(Text(say("hint.choice", turn.lang)))
        return RETRY
    return item


# Each step: what judges its answer (returning an outcome of ``TRANSITIONS``) ...
HANDLERS = {
    Step.MENU: menu_choice,
    **chat_people.HANDLERS,
    **chat_booking.HANDLERS,
    **chat_records.HANDLERS,
}
# ... and what asks its question when the conversation arrives at it.
PROMPTS = {
    Step.START: lambda turn: turn.send(language_choice(CHOOSE_LANGUAGE)),
    Step.MENU: show_menu,
    **chat_people.PROMPTS,
    **chat_booking.PROMPTS,
    **chat_records.PROMPTS,
}


def handle(ctx: Context, conversation: Conversation, message: Inbound) -> list[OutboundMessage]:
    """The replies to one message; changes the conversation (language, step, answers)."""
    now = ctx.now()
    turn = Turn(ctx, conversation, message)
    try:
        _respond(turn, now)
    except (StateInMaintenance, StateMovedAway) as frozen:  # data-residency hook: say when
        turn.send(Text(chat_reply(frozen, turn.lang) or ""))  # service resumes
    if conversation.opted_out_at is None or turn.replies:
        conversation.active_at = now
    return turn.replies


def _respond(turn: Turn, now: datetime) -> None:
    c, m = turn.conversation, turn.message
    said = keyword(m.text) if m.type in ("text", "button", "interactive") else None
    if c.opted_out_at is not None:  # nothing more is said until START
        if said is Keyword.START:
            c.opted_out_at = None
            _restart(turn, say("started", turn.lang))
        return
    if said is Keyword.STOP:
        c.opted_out_at = now
        c.step, c.answers = Step.MENU, {}
        turn.send(Text(say("stopped", turn.lang)))
        return
    chosen = m.reply_id.removeprefix(LANGUAGE_PREFIX)
    if m.reply_id.startswith(LANGUAGE_PREFIX) and chosen in LANGUAGES:
        c.language = chosen
        c.consent_shown_at = c.consent_shown_at or now
        chat_people.remember_language(turn)
        if c.step == Step.START:
            c.step = Step.MENU
        if c.step == Step.MENU:
            show_menu(turn, LANGUAGE_SET[chosen])
        else:
            turn.send(Text(LANGUAGE_SET[chosen]))
            _prompt(turn)
        return
    if c.consent_shown_at is None or c.language is None:
        c.consent_shown_at = c.consent_shown_at or now
        c.step, c.answers = Step.START, {}
        turn.send(language_choice() if c.language is None or said is None
                  else language_choice(CHOOSE_LANGUAGE))  # fmt: skip
        return
    quiet = timedelta(minutes=turn.ctx.settings.whatsapp_chat_quiet_minutes)
    if c.step != Step.MENU and expired(c.active_at, now, quiet):
        lead = say("welcome_back" if said else "expired", turn.lang)
        _restart(turn, lead)
        return
    if said in (Keyword.GREETING, Keyword.START):
        if c.step in (Step.MENU, Step.START):
            _restart(turn, say("welcome_back", turn.lang))
        else:  # resume: the question of the step the user stopped at
            turn.send(Text(say("resume", turn.lang)))
            _prompt(turn)
        return
    if said is Keyword.MENU:
        _restart(turn)
        return
    if said is Keyword.HELP:
        turn.send(Text(say("help", turn.lang)))
        return
    if said is Keyword.LANGUAGE:
        turn.send(language_choice(CHOOSE_LANGUAGE))
        return
    _answer(turn)


def _restart(turn: Turn, lead: str = "") -> None:
    turn.conversation.step, turn.conversation.answers = Step.MENU, {}
    show_menu(turn, lead)


def _prompt(turn: Turn) -> None:
    PROMPTS[Step(turn.conversation.step)](turn)


def _answer(turn: Turn) -> None:
    """The message as the answer to the current step."""
    c, m = turn.conversation, turn.message
    step = Step(c.step)
    expects = EXPECTS[step]
    is_file = m.type in MEDIA
    if expects is Expect.FILE and not is_file:
        turn.send(Text(say("hint.file", turn.lang)))
        return
    if expects is not Expect.FILE and (is_file or not (m.text.strip() or m.reply_id)):
        turn.send(Text(say("hint.choice" if expects is Expect.CHOICE else "hint.text", turn.lang)))
        return
    answer = m.text.strip()
    if expects is Expect.TEXT and m.reply_id:  # a button offered beside the question
        answer = _choice(turn) or answer
    if expects is Expect.CHOICE:
        picked = _choice(turn)
        if picked is None:
            turn.send(Text(say("hint.choice", turn.lang)))
            return
        if picked.startswith(f"{MORE}:"):  # the next page of a long list
            show_page(turn, int(picked.split(":", 1)[1]))
            return
        answer = picked
    if answer.startswith("menu:") and step is not Step.MENU:  # a menu button pressed again
        step = c.step = Step.MENU
    outcome = HANDLERS[step](turn, answer)
    if outcome == RETRY:
        return
    new = next_step(step, outcome)
    if new is Step.MENU and step is Step.MENU:
        return  # answered at once (due vaccines, help): the menu above still stands
    c.step = new
    if new is Step.MENU:
        c.answers = {}
        last = turn.replies[-1] if turn.replies else None
        if isinstance(last, Text) and len(last.body) < 700:  # one message, not two
            turn.replies.pop()
            show_menu(turn, last.body)
        else:
            show_menu(turn)
    else:
        _prompt(turn)


def _choice(turn: Turn) -> str | None:
    """The id of the option chosen: a button or row, or its number or title typed."""
    m = turn.message
    offered: list[list[str]] = turn.conversation.answers.get("_shown", [])
    ids = [row[0] for row in offered]
    if m.reply_id:
        fits = m.reply_id in ids or m.reply_id.startswith("menu:")
        return m.reply_id if fits else None
    number = chosen_number(m.text)
    if number is not None and 1 <= number <= len(offered):
        return offered[number - 1][0]
    typed = m.text.strip().casefold()
    return next((row[0] for row in offered if row[1].casefold() == typed), None)
