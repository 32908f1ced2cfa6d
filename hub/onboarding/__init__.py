"""Onboarding: enrollments (invitations, trials, medicine's certificates), inbound provider mail,
the operations and event feed controllers (their shapes are hub.core.schemas') — controller, schemas, service and the worker steps it owns.

Public surface: ``Onboarding`` (the facade the composition root builds: create, read, search, inbound
mail, certificates, gates, cancelling, retries, the trials' sweep), ``gate_passed`` (whether a customer
passed a catalog gate at a provider, which ordering asks before it invoices a gated tariff),
``known_gates``, and the request and answer shapes. The worker's steps are
``hub.onboarding.steps.OnboardingSteps``; ``hub.onboarding.ownership.Ownership`` keeps another partner's
objects at a shared provider account from being adopted. The modules behind the facade are listed in
``hub.onboarding.service``.
"""
from hub.onboarding.gates import gate_passed, known_gates
from hub.onboarding.schemas import (
    EnrollmentCreate,
    EnrollmentOut,
    EnrollmentPage,
    InboundMail,
    InboundResult,
)
from hub.onboarding.service import Onboarding

__all__ = ["EnrollmentCreate", "EnrollmentOut", "EnrollmentPage", "InboundMail", "InboundResult", "Onboarding",
           "gate_passed", "known_gates"]
