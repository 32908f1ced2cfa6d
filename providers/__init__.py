"""What each provider is: profiles (data), the card completeness they require (FAM-ONB-04) and
provider-prescribed identifiers.

The runnable sandboxes of the providers' partner interfaces arrive with issue 4.
"""
from .cards import missing_card_fields
from .identifiers import InvalidIdentifier, certificate_issue_time, rarus_partner_code, reporting_registration_number
from .profiles import PROFILES, SANDBOX_HOST, SANDBOX_PORTS, Profile, ProviderName

__all__ = [
    "PROFILES",
    "SANDBOX_HOST",
    "SANDBOX_PORTS",
    "InvalidIdentifier",
    "Profile",
    "ProviderName",
    "certificate_issue_time",
    "missing_card_fields",
    "rarus_partner_code",
    "reporting_registration_number",
]
