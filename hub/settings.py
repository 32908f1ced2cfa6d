"""Settings from the environment, with defaults for the embedded single-machine run."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .db.engine import default_database_url

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_DATA_DIR = Path("var")
DEFAULT_RATE_LIMIT = 600  # requests per minute per API key
DEFAULT_IDEMPOTENCY_HOURS = 48


@dataclass(frozen=True)
class Settings:
    database_url: str = ""  # HUB_DATABASE_URL; empty: the embedded SQLite file in data_dir
    data_dir: Path = DEFAULT_DATA_DIR  # HUB_DATA_DIR
    catalog_dir: Path | None = None  # HUB_CATALOG_DIR; None: the catalogs shipped in pricing/catalogs
    host: str = DEFAULT_HOST  # HUB_HOST
    port: int = DEFAULT_PORT  # HUB_PORT
    rate_limit_per_minute: int = DEFAULT_RATE_LIMIT  # HUB_RATE_LIMIT_PER_MINUTE
    idempotency_hours: int = DEFAULT_IDEMPOTENCY_HOURS  # HUB_IDEMPOTENCY_HOURS (at least 24)

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
            idempotency_hours=int(env.get("HUB_IDEMPOTENCY_HOURS", DEFAULT_IDEMPOTENCY_HOURS)),
        )
