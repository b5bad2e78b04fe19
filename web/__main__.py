"""``python -m salonkeep.web``: serve the app with uvicorn on SALONKEEP_HOST:SALONKEEP_PORT."""

import uvicorn

from salonkeep.tenants.settings import load_settings


def main() -> None:
    """Run uvicorn with the app factory."""
    settings = load_settings()
    uvicorn.run(
        "salonkeep.web.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        proxy_headers=True,
    )


if __name__ == "__main__":
    main()
