"""Accessibility checks on rendered HTML that a Django test can make (the browser audit in
bench/a11y/ does the rest)."""

from html.parser import HTMLParser


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, dict]] = []
        self.ids: set[str] = set()
        self.tables: list[dict | None] = []
        self.regions: list[str] = []  # the names (label ids) of all region landmarks

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "section" or attrs.get("role") == "region":
            # a section or role="region" with a name is a region landmark
            name = attrs.get("aria-labelledby") or attrs.get("aria-label")
            if name:
                self.regions.append(" ".join(name.split()))
        if tag == "table":
            parent = self.stack[-1][1] if self.stack and self.stack[-1][0] == "div" else None
            self.tables.append(parent)
        if tag not in ("br", "input", "img", "meta", "link", "hr", "col", "wbr"):
            self.stack.append((tag, attrs))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break


def assert_tables_scroll_in_labelled_regions(html: str) -> int:
    """Every table sits directly in a ``div.table-scroll`` that is a focusable region named by
    an element on the page, so a wide table scrolls in its own box and not the page (WCAG
    1.4.10) and a keyboard user can scroll it (2.1.1). Returns the number of tables."""
    parser = _Tables()
    parser.feed(html)
    assert parser.tables, "no table on the page"
    for wrapper in parser.tables:
        assert wrapper is not None, "a table is not wrapped in a div"
        assert "table-scroll" in wrapper.get("class", "").split(), wrapper
        assert wrapper.get("role") == "region", wrapper
        assert wrapper.get("tabindex") == "0", wrapper
        labels = wrapper.get("aria-labelledby", "").split()
        assert labels and all(label in parser.ids for label in labels), wrapper
    names = [w["aria-labelledby"] for w in parser.tables]
    assert len(set(names)) == len(names), f"two table regions with the same name: {names}"
    # nor one with the name of another landmark, such as the section it is in (axe's
    # landmark-unique: a screen reader lists two regions that sound the same)
    twice = sorted({name for name in parser.regions if parser.regions.count(name) > 1})
    assert not twice, f"two region landmarks with the same name: {twice}"
    return len(parser.tables)
