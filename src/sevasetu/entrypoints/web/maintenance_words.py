"""The words of maintenance mode, marked here for the translation extractor (which reads the
web package and ``DomainError`` subclasses of ``domain.errors`` only): the banner and chat
sentences of ``services.maintenance`` and the templates of the maintenance and tenancy errors.
``tests/unit/test_maintenance_words.py`` keeps them equal to their sources."""

from __future__ import annotations


def N_(message: str) -> str:
    return message


SENTENCES = (
    N_("Planned maintenance for {state} until {until} (UTC): {reason}. You can look records up, "
       "but changes are not accepted until then."),
    N_("Records of {state} are now kept by another deployment ({deployment}); this copy can be "
       "read but not changed."),
    N_("Service for {state} is paused for planned maintenance. It resumes at {until} (UTC); "
       "please send your request again then."),
    N_("Service for {state} has moved; please send your request again in a little while."),
)  # fmt: skip

ERROR_TEMPLATES = (
    N_("Records of {state} cannot be changed until {until} (UTC) because of planned "
       "maintenance: {reason}. Reading records and verifying certificates still work."),
    N_("Records of {state} are now kept by another deployment ({deployment}); this copy is "
       "a backup and cannot be changed."),
    N_("The bundle is refused: {reason}."),
    N_("The bundle was exported at schema version {bundle} but this database is at {here}; "
       "bring both to the same version first."),
    N_("This database already holds other records of {state} in: {tables}. Nothing was "
       "imported."),
    N_("Importing {table} failed ({reason}); nothing was imported."),
)  # fmt: skip

# Reasons a bundle is refused with (the extractor finds them only when the tenancy errors are
# imported; listed here so that the catalogue never depends on import order).
BUNDLE_REASONS = (
    N_("its manifest is not a sevasetu-tenant-bundle/1 manifest"),
    N_("manifest.json is missing"),
    N_("manifest.json is not JSON"),
    N_("manifest.json is not the manifest that was signed"),
    N_("manifest.jws is not a compact JWS"),
    N_("manifest.jws is not an ES256 manifest signature"),
    N_("the manifest names another key than its signature"),
    N_("the signature does not match the manifest"),
)
