"""Transfers: customers moving to or from the partner, with the 24-hour decision window.

Public surface: ``Transfers`` (create, decide, read, listing; ``sweep`` for the worker's auto-approval; the
recorder of the early-transfer e-mail) and its shapes ``TransferCreate``, ``TransferDecision``, ``TransferOut``.
"""
from hub.transfers.schemas import TransferCreate, TransferDecision, TransferOut
from hub.transfers.service import Transfers

__all__ = ["TransferCreate", "TransferDecision", "TransferOut", "Transfers"]
