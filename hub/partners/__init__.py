"""The partner itself: its profile and standing, API keys, audit log and provider credentials."""
