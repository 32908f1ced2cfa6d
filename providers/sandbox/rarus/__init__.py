"""The 1С-Рарус «Аренда 1С» partner-cabinet sandbox."""
from .app import API, create_rarus_sandbox
from .state import CabinetError, Client, Invoice, RarusPartner, RarusSandboxState

__all__ = ["API", "CabinetError", "Client", "Invoice", "RarusPartner", "RarusSandboxState", "create_rarus_sandbox"]
