"""The baseline: a bare litestar + jinja2 page of 50 rows, no database, no middleware."""

from __future__ import annotations

from jinja2 import Environment
from litestar import Litestar, MediaType, get

TEMPLATE = Environment(autoescape=True).from_string(
    """<!doctype html><html><head><title>Clients</title></head><body><table>
{% for row in rows %}<tr><td>{{ row.name }}</td><td>{{ row.phone }}</td><td>{{ row.email }}</td></tr>
{% endfor %}</table></body></html>"""
)
ROWS = [
    {"name": f"Client {i} Virtanen", "phone": f"+35840{i:07d}", "email": f"client{i}@example.com"}
    for i in range(50)
]


@get("/", media_type=MediaType.HTML)
async def page() -> str:
    """Render the 50-row page."""
    return TEMPLATE.render(rows=ROWS)


app = Litestar([page])
