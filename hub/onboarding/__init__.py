"""Onboarding: enrollments (invitations, trials, medicine's certificates), inbound provider mail,
operations and the event feed — controller, schemas, service and the worker steps it owns."""
