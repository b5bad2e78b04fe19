"""The words a person reads on a page: text and the attributes shown or spoken (placeholder,
title, aria-label, alt), without script, style, typed input and deliberate codes (``<code>``,
``<pre>``, ``<textarea>`` and elements marked ``data-code``)."""

from __future__ import annotations

from html.parser import HTMLParser

_SKIPPED = {"script", "style", "textarea", "code", "pre", "template", "noscript"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_SHOWN_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._stack: list[tuple[str, bool]] = []  # open elements: (tag, content skipped?)

    def _skipping(self) -> bool:
        return any(skipped for _, skipped in self._stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        skipped = tag in _SKIPPED or "data-code" in values
        if not self._skipping() and not skipped:
            self.parts.extend(str(values[name]) for name in _SHOWN_ATTRIBUTES if values.get(name))
            if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
                self.parts.append(str(values["value"]))
        if tag not in _VOID:
            self._stack.append((tag, skipped))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        # Elements whose end tag may be left out (li, p, td ...) close with their parent.
        for depth in range(len(self._stack) - 1, -1, -1):
            if self._stack[depth][0] == tag:
                del self._stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        if not self._skipping() and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    """The text of ``html`` a person reads, one piece per line."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return "\n".join(reader.parts)
