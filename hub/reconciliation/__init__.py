"""Reconciliation: each 1C statement (monthly, Fresh family) and each Rarus agent report (quarterly)
checked against what the hub sold, every difference explained (issue 12, RULES §4).

Public surface: ``Reconciliations`` (hub.reconciliation.service: ``run``, ``read``, ``search``, ``lines``,
``resolve``), the pure parts it is made of — ``statements.read`` (CSV/XLSX into a typed table, or a 4xx
naming the line and column), ``ledger`` (the hub's expectations), ``matching`` (columnar, polars: the
categories and reasons), ``totals``, ``explain`` (the likely cause of a discount difference), ``export``
(XLSX/CSV) — and the controller. Not yet: a Rarus client's change (RA-BILL-02) after its conversion
month, and cancellations, are not in the ledger.
"""
from hub.reconciliation.service import Reconciliations

__all__ = ["Reconciliations"]
