"""Which rows of which table belong to a state's bundle: the one place that says so.

Every table with a ``state_code`` column is exported by that column, unless it is listed in
``RULES``; every table without one must be listed in ``RULES`` (a test fails for a table that
is neither, so a new table cannot be forgotten). The rules:

- ``state``: the rows whose ``state_code`` is the state's (the default).
- ``linked``: the rows the state's rows point to, in a table shared by all states
  (``citizen_accounts``: the accounts holding the state's people). On import an account that is
  already there must be identical; a missing one is added.
- ``public_keys``: the origin's certificate signing keys, public part only (the private key is
  blanked and the key is not active): the target publishes them, so certificates issued before
  the move keep verifying there. Merged like ``linked``.
- ``local``: not exported; the table describes this deployment, not the state's records.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, Table, select

from ..db import tables as t


@dataclass(frozen=True, slots=True)
class Rule:
    kind: str  # state | linked | public_keys | local
    why: str


RULES: dict[str, Rule] = {
    # Shared by all states, pointed to by the state's rows.
    "citizen_accounts": Rule("linked", "the accounts that hold the state's people"),
    "signing_keys": Rule("public_keys", "certificates issued before the move keep verifying"),
    # The deployment's own, short-lived: people log in again at the new deployment.
    "api_tokens": Rule("local", "sessions and API tokens are issued by each deployment"),
    "otp_challenges": Rule("local", "one-time passwords live minutes"),
    # WhatsApp belongs to the deployment's business number, keyed by wa_id and numbered by a
    # sequence of its own; a citizen's number says nothing about their state. The bot at the
    # new deployment starts each conversation afresh (consent and language are asked again).
    "whatsapp_conversations": Rule("local", "keyed by the deployment's WhatsApp number"),
    "whatsapp_inbound": Rule("local", "the WhatsApp number's message log"),
    "whatsapp_outbound": Rule("local", "the WhatsApp number's message log"),
    "whatsapp_statuses": Rule("local", "the WhatsApp number's delivery log"),
    "whatsapp_media": Rule("local", "the WhatsApp number's received media"),
    "whatsapp_chat_states": Rule("local", "where a conversation stands, keyed by wa_id"),
    "whatsapp_claims": Rule("local", "which worker processes a conversation, for minutes"),
    # This deployment's view of the move itself.
    "state_maintenance": Rule("local", "each deployment's own maintenance windows"),
    "state_authority": Rule("local", "each deployment records where a state is kept"),
}


def rule_of(table: Table) -> Rule | None:
    """The table's rule; None for a table that is neither state-scoped nor listed."""
    if table.name in RULES:
        return RULES[table.name]
    if "state_code" in table.c:
        return Rule("state", "its state_code")
    return None


def unruled(tables: list[Table]) -> list[str]:
    return [table.name for table in tables if rule_of(table) is None]


def exported_tables() -> list[Table]:
    """The tables a bundle holds, parents before children (foreign-key order)."""
    found = []
    for table in t.metadata.sorted_tables:
        rule = rule_of(table)
        if rule is None:
            raise LookupError(
                f"table {table.name} has no state_code and no rule in adapters/tenant/scope.py"
            )
        if rule.kind != "local":
            found.append(table)
    return found


def rows_of_state(table: Table, state_code: str) -> Select[Any]:
    """The statement that reads the table's rows belonging to the state (unordered)."""
    rule = RULES.get(table.name) or Rule("state", "")
    if rule.kind == "state":
        return select(table).where(table.c.state_code == state_code)
    if table is t.citizen_accounts:
        held = select(t.account_people.c.account_id).where(
            t.account_people.c.state_code == state_code
        )
        return select(table).where(table.c.id.in_(held))
    if table is t.signing_keys:
        return select(table)
    raise LookupError(f"no way to read {table.name} for a state")


RESHAPED = frozenset({"signing_keys"})  # tables whose rows exported_values changes


def exported_values(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    """The row as it travels: a signing key without its private part, never active."""
    if table is t.signing_keys:
        return {**row, "private_pem": "", "active": None}
    return row


def compared_columns(table: Table) -> list[str]:
    """The columns compared when a merged table's row is already at the target."""
    if table is t.signing_keys:
        return ["kid", "algorithm", "public_jwk"]
    return [c.name for c in table.columns]
