"""What every page shares: the caller, the language, the CSRF token and rendering.

A page handler starts with ``page_for(request)``, which sends a visitor who is not logged in to
the login page, and ends with ``page.render(...)`` or a redirect.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from ...adapters.i18n import LANGUAGE_NAMES, gettext_for, negotiate
from ...bootstrap import AppContext
from ...domain.access import Action, Principal, can
from ...domain.areas import RESIDENCE_LEVELS, Area
from ...domain.errors import DomainError
from ...domain.people import Person
from ..api.deps import SESSION_COOKIE, bearer_token, resolve_principal
from ..api.problems import STATUS, translate_error
from . import labels

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
LANG_COOKIE = "sevasetu_lang"
LOGIN_NONCE_COOKIE = "sevasetu_login"
CSRF_FIELD = "csrf"

# Pages hold personal data: no caching anywhere, no framing, nothing from other origins.
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}

env = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(["html"], default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _static_version() -> str:
    digest = hashlib.sha256()
    for path in sorted(STATIC.glob("*")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


env.globals["static_version"] = _static_version()
env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES


class LoginRequired(Exception):
    """Raised by ``page_for`` for a visitor without a valid session; answered by a redirect."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class CsrfRefused(Exception):
    """A form came back without the token this session's pages carry."""


def local_path(target: str | None, default: str = "/people") -> str:
    """Only paths on this site: never an open redirect to another host."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def choose_language(request: Request, principal: Principal | None) -> str:
    """The language cookie, else the user's own language, else the browser's preference."""
    settings = request.app.state.ctx.settings
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in settings.languages:
        return str(chosen)
    if principal is not None and principal.language in settings.languages:
        return principal.language
    return negotiate(
        request.headers.get("accept-language"), settings.languages, settings.default_language
    )


def csrf_token(ctx: AppContext, secret: str) -> str:
    return ctx.secret_hash("csrf", secret)


@dataclass
class Page:
    request: Request
    ctx: AppContext
    principal: Principal | None
    lang: str
    session_token: str | None

    @property
    def user(self) -> Principal:
        """The logged-in caller; ``page_for`` has already sent anyone else to the login page."""
        if self.principal is None:
            raise LoginRequired(self.request.url.path)
        return self.principal

    @property
    def _(self) -> Callable[[str], str]:
        return gettext_for(self.lang)  # type: ignore[no-any-return]

    @property
    def csrf(self) -> str:
        return csrf_token(self.ctx, self.session_token) if self.session_token else ""

    def check_csrf(self, form: Mapping[str, Any]) -> None:
        sent = str(form.get(CSRF_FIELD, ""))
        if not self.session_token or not hmac.compare_digest(sent, self.csrf):
            raise CsrfRefused()

    def can(self, action: str) -> bool:
        return self.principal is not None and can(self.principal, Action(action))

    # --- words -------------------------------------------------------------------------

    def error(self, error: DomainError) -> str:
        return translate_error(error, self.lang)

    def label(self, table: str, code: str | None) -> str:
        if not code:
            return ""
        word = getattr(labels, table.upper()).get(code)
        return self._(word) if word else code

    def area_name(self, code: str) -> str:
        tree = self.ctx.area_tree()
        if code not in tree:
            return code
        return area_label(tree.get(code), self.lang)

    # --- people --------------------------------------------------------------------------

    @property
    def country(self) -> str:
        if self.principal is not None and self.principal.area_code:
            tree = self.ctx.area_tree()
            if self.principal.area_code in tree:
                return tree.get(self.principal.area_code).path[0]
        return str(self.ctx.settings.default_country)

    def identifier_kinds(self) -> list[str]:
        return [k.value for k in labels.IDENTIFIERS_BY_COUNTRY.get(self.country, [])]

    def roster_identifier(self) -> str:
        return labels.ROSTER_IDENTIFIER.get(self.country, labels.ROSTER_IDENTIFIER["IN"]).value

    def villages(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """The villages and wards of the user's area, grouped by the block or union above them."""
        if self.principal is None or not self.principal.area_code:
            return []
        tree = self.ctx.area_tree()
        groups: dict[str, list[tuple[str, str]]] = {}
        for area in tree.within(self.principal.area_code):
            if area.level in RESIDENCE_LEVELS:
                groups.setdefault(area.parent_code or "", []).append(
                    (area.code, area_label(area, self.lang))
                )
        named = [
            (self.area_name(parent), sorted(items, key=lambda i: i[1]))
            for parent, items in groups.items()
        ]
        return sorted(named)

    def person_row(self, person: Person) -> dict[str, Any]:
        return {
            "id": person.id,
            "name": person.name,
            "name_latin": person.name_latin,
            "age": person.age_on(self.ctx.today()),
            "estimated": person.birth_date_estimated,
            "birth_date": person.birth_date.isoformat(),
            "sex": self.label("sex", person.sex),
            "village": self.area_name(person.area_code),
            "phone": person.phone,
            "relation": self.label("relation", person.relation_to_head),
            "household_id": person.household_id,
            "identifiers": [
                (self.label("identifier", i.kind), i.display) for i in person.identifiers
            ],
        }

    # --- answers -------------------------------------------------------------------------

    def render(self, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
        defaults: dict[str, Any] = {
            "values": {},
            "errors": {},
            "matches": [],
            "existing": None,
            "message": None,
        }
        html = env.get_template(template).render(_=self._, page=self, **{**defaults, **values})
        return HTMLResponse(html, status_code=status_code, headers=PAGE_HEADERS)

    def error_page(self, error: DomainError) -> HTMLResponse:
        return self.render(
            "error.html", status_code=STATUS.get(error.kind, 400), message=self.error(error)
        )


def area_label(area: Area, lang: str) -> str:
    if lang != "en" and area.name_local and area.name_local != area.name:
        return f"{area.name_local} ({area.name})"
    return area.name


def page_for(request: Request, *, login: bool = True) -> Page:
    principal = resolve_principal(request)
    if principal is None and login:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target)
    token = bearer_token(request) if principal is not None else None
    return Page(
        request, request.app.state.ctx, principal, choose_language(request, principal), token
    )


def redirect(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303, headers={"Cache-Control": "no-store"})


def login_redirect(next_path: str) -> RedirectResponse:
    return redirect("/login?next=" + quote(local_path(next_path), safe="/"))


def set_session(response: RedirectResponse, ctx: AppContext, token: str | None) -> None:
    secure = str(ctx.settings.base_url).startswith("https://")
    if token is None:
        response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="lax", secure=secure)
        return
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=ctx.settings.token_ttl_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=secure,
    )
