"""Settings from the environment, with defaults for the embedded single-machine run."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from pricing import PROVIDERS
from providers import SANDBOX_HOST, SANDBOX_PORTS

from hub.core.db.engine import default_database_url

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_DATA_DIR = Path("var")
DEFAULT_RATE_LIMIT = 600  # requests per minute per API key
DEFAULT_AUTH_FAILURES = 20  # failed authentications per minute per client address
DEFAULT_KEY_CACHE_SECONDS = 30.0  # how long a verified API key is trusted without reading it again
DEFAULT_IDEMPOTENCY_HOURS = 48
# by default the hub talks to the provider sandboxes of `hub up`
DEFAULT_PROVIDER_URLS = {p: f"http://{SANDBOX_HOST}:{SANDBOX_PORTS[p]}" for p in PROVIDERS}


def _flag(value: str) -> bool:
    return value.strip().lower() not in ("0", "false", "no", "off", "")


def _clock(value: str) -> str:
    if value not in CLOCKS:
        raise ValueError(f"HUB_CLOCK must be one of {', '.join(CLOCKS)}, not {value!r}")
    return value


CLOCKS = ("system", "controllable")


@dataclass(frozen=True)
class Settings:
    database_url: str = ""  # HUB_DATABASE_URL; empty: the embedded SQLite file in data_dir
    data_dir: Path = DEFAULT_DATA_DIR  # HUB_DATA_DIR
    catalog_dir: Path | None = None  # HUB_CATALOG_DIR; None: the catalogs shipped in pricing/catalogs
    host: str = DEFAULT_HOST  # HUB_HOST
    port: int = DEFAULT_PORT  # HUB_PORT
    rate_limit_per_minute: int = DEFAULT_RATE_LIMIT  # HUB_RATE_LIMIT_PER_MINUTE
    auth_failures_per_minute: int = DEFAULT_AUTH_FAILURES  # HUB_AUTH_FAILURES_PER_MINUTE
    key_cache_seconds: float = DEFAULT_KEY_CACHE_SECONDS  # HUB_KEY_CACHE_SECONDS: verified keys kept (0 = off)
    idempotency_hours: int = DEFAULT_IDEMPOTENCY_HOURS  # HUB_IDEMPOTENCY_HOURS (at least 24)
    provider_urls: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_PROVIDER_URLS))  # HUB_<PROVIDER>_URL
    fresh_login: str = "partner"  # HUB_FRESH_LOGIN: the partner user of the Service Manager
    fresh_password: str = field(default="sandbox", repr=False)  # HUB_FRESH_PASSWORD
    fresh_account: int = 48  # HUB_FRESH_ACCOUNT: the partner's own subscriber number
    rarus_token: str = field(default="sandbox-token", repr=False)  # HUB_RARUS_TOKEN
    rarus_partner_code: str = "0320"  # HUB_RARUS_PARTNER_CODE (4 characters, RA-ONB-08)
    secret_key: str = field(default="", repr=False)  # HUB_SECRET_KEY: Fernet key(s) for stored provider credentials
    web_secret: str = field(default="", repr=False)  # HUB_WEB_SECRET: signs the browser's session (hub/web/secret.py)
    smtp_host: str = SANDBOX_HOST  # HUB_SMTP_HOST: the relay for e-mail channels (the sandbox desk by default)
    smtp_port: int = SANDBOX_PORTS["medicine_smtp"]  # HUB_SMTP_PORT
    mail_from: str = "hub@partner.local"  # HUB_MAIL_FROM: where providers answer
    worker_in_process: bool = True  # HUB_WORKER: run the outbox worker inside `hub serve`
    poll_seconds: float = 30.0  # HUB_POLL_SECONDS: how often a pending activation is checked
    lease_seconds: float = 120.0  # HUB_WORKER_LEASE_SECONDS
    retry_base_seconds: float = 1.0  # HUB_RETRY_BASE_SECONDS: first backoff of a failed step
    http_read_timeout: float = 10.0  # HUB_HTTP_READ_TIMEOUT
    breaker_cooldown: float = 30.0  # HUB_BREAKER_COOLDOWN
    clock: str = "system"  # HUB_CLOCK: "system", or "controllable" (`hub up --demo`: POST /_control/clock moves it)

    @property
    def database(self) -> str:
        return self.database_url or default_database_url(self.data_dir.resolve())

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        catalog_dir = env.get("HUB_CATALOG_DIR")
        return cls(
            database_url=env.get("HUB_DATABASE_URL", ""),
            data_dir=Path(env.get("HUB_DATA_DIR", str(DEFAULT_DATA_DIR))),
            catalog_dir=Path(catalog_dir) if catalog_dir else None,
            host=env.get("HUB_HOST", DEFAULT_HOST),
            port=int(env.get("HUB_PORT", DEFAULT_PORT)),
            rate_limit_per_minute=int(env.get("HUB_RATE_LIMIT_PER_MINUTE", DEFAULT_RATE_LIMIT)),
            auth_failures_per_minute=int(env.get("HUB_AUTH_FAILURES_PER_MINUTE", DEFAULT_AUTH_FAILURES)),
            key_cache_seconds=float(env.get("HUB_KEY_CACHE_SECONDS", DEFAULT_KEY_CACHE_SECONDS)),
            idempotency_hours=int(env.get("HUB_IDEMPOTENCY_HOURS", DEFAULT_IDEMPOTENCY_HOURS)),
            provider_urls={p: env.get(f"HUB_{p.upper()}_URL", url) for p, url in DEFAULT_PROVIDER_URLS.items()},
            fresh_login=env.get("HUB_FRESH_LOGIN", "partner"),
            fresh_password=env.get("HUB_FRESH_PASSWORD", "sandbox"),
            fresh_account=int(env.get("HUB_FRESH_ACCOUNT", 48)),
            rarus_token=env.get("HUB_RARUS_TOKEN", "sandbox-token"),
            rarus_partner_code=env.get("HUB_RARUS_PARTNER_CODE", "0320"),
            secret_key=env.get("HUB_SECRET_KEY", ""),
            web_secret=env.get("HUB_WEB_SECRET", ""),
            smtp_host=env.get("HUB_SMTP_HOST", SANDBOX_HOST),
            smtp_port=int(env.get("HUB_SMTP_PORT", SANDBOX_PORTS["medicine_smtp"])),
            mail_from=env.get("HUB_MAIL_FROM", "hub@partner.local"),
            worker_in_process=_flag(env.get("HUB_WORKER", "1")),
            poll_seconds=float(env.get("HUB_POLL_SECONDS", 30)),
            lease_seconds=float(env.get("HUB_WORKER_LEASE_SECONDS", 120)),
            retry_base_seconds=float(env.get("HUB_RETRY_BASE_SECONDS", 1)),
            http_read_timeout=float(env.get("HUB_HTTP_READ_TIMEOUT", 10)),
            breaker_cooldown=float(env.get("HUB_BREAKER_COOLDOWN", 30)),
            clock=_clock(env.get("HUB_CLOCK", "system")),
        )
