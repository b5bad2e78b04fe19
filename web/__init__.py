"""The litestar web app: staff UI (HTMX), public tenant pages and the JSON API."""
