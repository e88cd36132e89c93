"""Reading a rendered page the way a test needs to: its elements, their attributes and text, with the standard
library's HTML parser (no extra dependency)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    parent: Element | None = None
    children: list[Element | str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The text inside, with runs of white space made one space, as a screen reader would read it."""
        return re.sub(r"\s+", " ", self._raw_text()).strip()

    def _raw_text(self) -> str:
        return "".join(child if isinstance(child, str) else child._raw_text() for child in self.children)

    def ancestors(self) -> list[Element]:
        found, node = [], self.parent
        while node is not None:
            found.append(node)
            node = node.parent
        return found

    def iter(self) -> list[Element]:
        found: list[Element] = []
        for child in self.children:
            if isinstance(child, Element):
                found.append(child)
                found.extend(child.iter())
        return found

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Element]:
        return [
            element
            for element in self.iter()
            if (tag is None or element.tag == tag)
            and all(element.attrs.get(name.rstrip("_").replace("_", "-")) == value for name, value in attrs.items())
        ]

    def find(self, tag: str | None = None, **attrs: str) -> Element:
        found = self.find_all(tag, **attrs)
        assert len(found) == 1, f"expected one <{tag} {attrs}>, found {len(found)}"
        return found[0]


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs}, parent=self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(Element(tag, {name: value or "" for name, value in attrs}, parent=self.current))

    def handle_endtag(self, tag: str) -> None:
        node: Element | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse(content: bytes | str) -> Element:
    builder = _Builder()
    builder.feed(content.decode() if isinstance(content, bytes) else content)
    return builder.root


def labelled_inputs_problems(document: Element) -> list[str]:
    """Every visible form control needs a label: <label for=id>, a wrapping <label>, or aria-label."""
    labels = {label.attrs.get("for") for label in document.find_all("label")}
    problems = []
    for control in document.iter():
        if control.tag not in {"input", "select", "textarea"}:
            continue
        if control.attrs.get("type") in {"hidden", "submit", "button"}:
            continue
        if control.attrs.get("id") in labels or "aria-label" in control.attrs:
            continue
        if any(ancestor.tag == "label" for ancestor in control.ancestors()):
            continue
        problems.append(f"<{control.tag} name={control.attrs.get('name')}> has no label")
    return problems
