"""What each provider is: profiles (data) and provider-prescribed identifiers.

The runnable sandboxes of the providers' partner interfaces arrive with issue 4.
"""
from .identifiers import InvalidIdentifier, certificate_issue_time, rarus_partner_code, reporting_registration_number
from .profiles import PROFILES, SANDBOX_HOST, SANDBOX_PORTS, Profile

__all__ = [
    "PROFILES",
    "SANDBOX_HOST",
    "SANDBOX_PORTS",
    "InvalidIdentifier",
    "Profile",
    "certificate_issue_time",
    "rarus_partner_code",
    "reporting_registration_number",
]
