"""Settings: one object, read from the environment (prefix ``SEVASETU_``) and ``.env``.

Built once in the composition root (``bootstrap``) and passed down; nothing else reads the
environment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRETS = {"", "changeme", "change-me", "dev-secret-key", "secret"}
DEV_SECRET = "dev-secret-key"
LANGUAGES = ("en", "bn", "hi")


def default_database_url() -> str:
    return f"sqlite:///{Path('var/sevasetu.db').resolve()}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SEVASETU_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = Field(default_factory=default_database_url)
    secret_key: str = DEV_SECRET
    # Keys the hashes of Aadhaar and NID numbers. Deployments that exchange a state's data
    # must share it, or lookups by those numbers stop finding people after the move.
    identifier_key: str = DEV_SECRET
    base_url: str = "http://127.0.0.1:8000"
    languages: list[str] = Field(default_factory=lambda: list(LANGUAGES))
    default_language: str = "en"
    default_country: Literal["IN", "BD"] = "IN"
    time_zone: str = "Asia/Kolkata"

    sms_backend: Literal["console"] = "console"
    otp_ttl_seconds: int = 300
    otp_max_attempts: int = 5
    otp_max_per_window: int = 3
    otp_window_seconds: int = 900
    token_ttl_hours: int = 12
    family_limit: int = 6
    max_body_bytes: int = 1_048_576
    # A proof of an earlier dose (photo or PDF); its upload may exceed max_body_bytes by the
    # form's other fields (PROOF_FORM_OVERHEAD), and only on that endpoint.
    proof_max_bytes: int = 5 * 1024 * 1024
    db_pool_size: int = 10
    # The yearly household update (docs/surveys.md): in this month (1-12) the worker gives
    # every household a re-verification task for the year.
    annual_update_month: int = Field(default=1, ge=1, le=12)

    # WhatsApp Business Cloud API (docs/whatsapp.md). Without an access token and a phone
    # number id, WhatsApp messages go to the console.
    whatsapp_verify_token: str = ""
    whatsapp_app_secret: str = ""
    whatsapp_phone_number_id: str = ""
    whatsapp_access_token: str = ""
    whatsapp_graph_url: str = "https://graph.facebook.com/v21.0"
    whatsapp_rate_per_second: float = 80.0
    whatsapp_user_interval_seconds: float = 6.0
    whatsapp_media_max_bytes: int = 5 * 1024 * 1024
    # A conversation quiet this long starts its flow over at the menu (language remembered).
    whatsapp_chat_quiet_minutes: int = 30

    # Legacy record linkage (docs/legacy.md#linkage): match weights (log2 of the posterior
    # odds) at or above which a legacy record is linked automatically or sent to clerical
    # review; a best candidate within ``linkage_margin`` of the runner-up is contested and
    # reviewed. Chosen on the synthetic truth of 1M against 1M (docs/benchmarks.md).
    linkage_auto_weight: float = 1.0
    linkage_review_weight: float = 0.0
    linkage_margin: float = 3.0
    linkage_memory_limit: str = "4GB"  # DuckDB's memory limit while linking
    linkage_threads: int = 2

    @model_validator(mode="after")
    def _refuse_placeholders(self) -> Settings:
        if self.environment != "development":
            for name in ("secret_key", "identifier_key"):
                value = getattr(self, name)
                if value.strip().lower() in PLACEHOLDER_SECRETS or len(value) < 16:
                    raise ValueError(
                        f"SEVASETU_{name.upper()} is a placeholder or shorter than 16 "
                        f"characters; set a real secret outside development"
                    )
        if self.environment == "production" and self.whatsapp_configured:
            for name in ("whatsapp_app_secret", "whatsapp_verify_token"):
                if len(getattr(self, name)) < 16:
                    raise ValueError(f"SEVASETU_{name.upper()} must be set (16 characters or "
                                     f"more) when WhatsApp is configured")  # fmt: skip
        unknown = [code for code in self.languages if code not in LANGUAGES]
        if unknown:
            raise ValueError(f"unsupported languages {unknown}; choose from {list(LANGUAGES)}")
        if self.default_language not in self.languages:
            raise ValueError(f"default language {self.default_language!r} is not in languages")
        return self

    @property
    def whatsapp_configured(self) -> bool:
        return bool(self.whatsapp_access_token and self.whatsapp_phone_number_id)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
