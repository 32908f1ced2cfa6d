"""`python -m hub.cli`: the ``hub`` command."""
import sys

from hub.cli.launch import main

sys.exit(main())
