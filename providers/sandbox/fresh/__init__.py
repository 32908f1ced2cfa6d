"""The Fresh-family sandbox (fresh_ru, fresh_kz, and the Fresh side of medicine)."""
from .app import EXECUTE, create_fresh_sandbox
from .state import FreshPartner, FreshSandboxState, Refusal

__all__ = ["EXECUTE", "FreshPartner", "FreshSandboxState", "Refusal", "create_fresh_sandbox"]
