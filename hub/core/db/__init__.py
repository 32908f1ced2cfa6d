"""Persistence: the async engine, the models and the migrations."""
from hub.core.db.engine import Database, default_database_url
from hub.core.db.models import (
    ApiKey,
    AuditEntry,
    Base,
    Customer,
    Departure,
    NoticeSent,
    Enrollment,
    Event,
    IdempotencyRecord,
    Operation,
    OperationAttempt,
    Partner,
    Subscription,
    Transfer,
)

__all__ = ["ApiKey", "AuditEntry", "Base", "Customer", "Departure", "NoticeSent", "Database", "Enrollment", "Event", "IdempotencyRecord", "Operation",
           "OperationAttempt", "Partner", "Subscription", "Transfer", "default_database_url"]
