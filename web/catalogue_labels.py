"""Translated labels of catalogue categories: the built-in ones by their English label (in
the catalogs), the ones an owner added as the owner wrote them. Codes are never shown."""

from __future__ import annotations

from salonkeep.core.catalogue.service import DEFAULT_LABELS
from salonkeep.core.catalogue.tables import CatalogueCategory
from salonkeep.web.i18n import gettext


def N_(message: str) -> str:
    """Mark ``message`` for extraction; it is translated when shown."""
    return message


#: The built-in labels, marked for the catalogs.
BUILT_IN = (
    N_("Facial"),
    N_("Body"),
    N_("Slimming"),
    N_("Hair"),
    N_("Nails"),
    N_("Massage"),
    N_("Medical aesthetics"),
    N_("Treatment product"),
    N_("Brand product"),
    N_("Fumigation"),
    N_("Supplement"),
    N_("Care product"),
    N_("Device"),
)


def category_label(category: CatalogueCategory) -> str:
    """The label a person reads for ``category``."""
    built_in = DEFAULT_LABELS.get((category.kind, category.code))
    if built_in is not None and category.label == built_in:
        return gettext(built_in)
    return str(category.label)


def category_choices(categories: list[CatalogueCategory]) -> list[tuple[str, str]]:
    """(code, label) pairs for a select."""
    return [(c.code, category_label(c)) for c in categories]
