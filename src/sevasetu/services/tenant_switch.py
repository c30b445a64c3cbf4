"""``tenant switch``: record which deployment keeps a state's records from now on.

Run at both ends after a verified import: the target records itself as the keeper (its freeze
for the state, if any, is then only the maintenance window); the origin records the target, and
from then on refuses every write of the state (its copy is the backup).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..adapters.tenant import windows
from ..adapters.tenant.bundle import MANIFEST
from ..domain.tenancy import BundleRefused
from .audit import record
from .maintenance import forget_freezes
from .ports import Context
from .tenant_export import state_code_of


def bundle_digest(directory: Path) -> str:
    path = directory / MANIFEST
    if not path.is_file():
        raise BundleRefused("bundle", reason=f"{MANIFEST} is missing")
    return hashlib.sha256(path.read_bytes()).hexdigest()


def record_switch(
    ctx: Context, state_code: str, keeper: str, *, here: bool, bundle: Path, actor: str = "cli"
) -> windows.Authority:
    code = state_code_of(ctx, state_code)
    authority = windows.Authority(code, here, keeper, bundle_digest(bundle), ctx.now(), actor)
    with ctx.uow(write=True) as uow:
        windows.put_authority(uow.conn, authority)  # type: ignore[attr-defined]
        record(ctx, uow, actor=actor, action="tenant.switch", subject_type="state",
               subject_id=code, state_code=None, keeper=keeper, here=here,
               bundle=authority.bundle_sha256)  # fmt: skip
        uow.commit()
    forget_freezes(ctx)
    return authority
