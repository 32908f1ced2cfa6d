import pytest

from .live import start_live_sandboxes


@pytest.fixture
def sandboxes():
    """Every provider sandbox on loopback, fresh for each test."""
    running = start_live_sandboxes()
    yield running
    running.stop()
