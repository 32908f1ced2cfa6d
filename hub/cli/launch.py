"""The ``hub`` command as it is started (the console script, ``python -m hub.cli``).

The garbage collector waits while the hub is imported and, for ``hub serve`` and ``hub up``, while the app
is built: both allocate a great deal and free almost nothing, and collecting meanwhile was a tenth of the
cold start (issue 15). Other commands turn it on once their arguments are read (hub/cli/__init__.py); a
server once its app is built (hub/cli/running.py). Importing ``hub.cli`` itself — as the tests do — leaves
the collector alone."""
from __future__ import annotations

import gc


def main() -> int:
    gc.disable()
    from hub.cli import main as command

    return command()
