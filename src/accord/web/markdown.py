"""Markdown that members write (a proposal's text), rendered to HTML that is safe to put in a page.

Python-Markdown turns the text into HTML (passing any raw HTML through); nh3 (the Ammonia sanitiser) then keeps
only a short list of tags and attributes, so a `<script>`, an event handler or a `javascript:` link never reaches
the page. Headings are moved down two levels (`#` becomes <h3>), so the text sits under the page's own <h1> and
<h2> headings. Images are not kept: they would load from other sites, which the pages' Content-Security-Policy
refuses anyway. A link keeps its address only if it is http, https or mailto, a path on this site (one `/`) or
a place on the page (`#`): `//evil.example` (another site, "relative" to the scheme) and anything else lose it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

HEADING_SHIFT = 2
ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "del", "sup", "sub",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_STARTS = ("http://", "https://", "mailto:", "#")
# Browsers drop tabs and line breaks anywhere in an address, and read a backslash as a slash.
IGNORED_IN_URLS = re.compile(r"[\t\n\r]")


class _ShiftHeadings(Treeprocessor):
    def run(self, root: ElementTree.Element) -> None:
        for element in root.iter():
            if len(element.tag) == 2 and element.tag[0] == "h" and element.tag[1] in "123456":
                element.tag = f"h{min(int(element.tag[1]) + HEADING_SHIFT, 6)}"


class _ShiftHeadingsExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802  (Python-Markdown's name)
        md.treeprocessors.register(_ShiftHeadings(md), "accord_shift_headings", 5)


def _keep_link(tag: str, attribute: str, value: str) -> str | None:
    """nh3's attribute filter: an href stays only if it is http(s), mailto, a path on this site or an anchor."""
    if tag != "a" or attribute != "href":
        return value
    address = IGNORED_IN_URLS.sub("", value).replace("\\", "/")
    if address.lower().startswith(LINK_STARTS):
        return value
    if address.startswith("/") and not address.startswith("//"):
        return value
    return None


def render_markdown(text: str | None) -> SafeString:
    """The text as sanitised HTML."""
    html = markdown.markdown(
        text or "", extensions=["sane_lists", "tables", "fenced_code", _ShiftHeadingsExtension()], output_format="html"
    )
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        attribute_filter=_keep_link,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(cleaned)  # noqa: S308  (sanitised by nh3 just above)
