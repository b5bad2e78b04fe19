"""``python -m salonkeep.core.cli`` is the same as the ``salonkeep`` command."""

from salonkeep.core.cli.main import main

main()
