"""Settings from the environment, with defaults for the embedded single-machine run."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


@dataclass(frozen=True)
class Settings:
    catalog_dir: Path | None = None  # HUB_CATALOG_DIR; None: the catalogs shipped in pricing/catalogs
    host: str = DEFAULT_HOST  # HUB_HOST
    port: int = DEFAULT_PORT  # HUB_PORT

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        catalog_dir = env.get("HUB_CATALOG_DIR")
        return cls(
            catalog_dir=Path(catalog_dir) if catalog_dir else None,
            host=env.get("HUB_HOST", DEFAULT_HOST),
            port=int(env.get("HUB_PORT", DEFAULT_PORT)),
        )
