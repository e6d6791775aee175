"""trafilatura's XML body -> Markdown blocks that render as the page's words and nothing more.

Every text node is escaped, so nothing from the page becomes HTML or Markdown
syntax; links are made absolute and kept only for http, https and mailto,
images only for http and https.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from newsdigest.content_format import escape_block_start, escape_inline
from newsdigest.ingest.extract.urls import safe_link


@dataclass
class Block:
    """One top-level piece of the body: its Markdown and its plain text."""

    kind: str  # p, head, list, quote, table, code, image
    markdown: str
    text: str
    link_text: int = 0  # characters of text that sit inside links


_SPACES = re.compile(r"\s+")
_LINE_BREAK = "\x00"  # stands for <br> until the block is assembled
# a pipe not already escaped by a backslash: in a table cell it would end the cell
_UNESCAPED_PIPE = re.compile(r"(?<!\\)((?:\\\\)*)\|")


class MarkdownWriter:
    """trafilatura's XML body -> Markdown blocks; every text node is escaped."""

    def __init__(self, base: str | None):
        self.base = base

    def blocks(self, body) -> list[Block]:
        out: list[Block] = []
        self._collect(body, out)
        return out

    def _collect(self, element, out: list[Block]) -> None:
        if element.text and element.text.strip():
            out.append(self._paragraph_from_text(element.text))
        for child in element:
            block = self._block(child)
            if block is None and child.tag not in ("list", "table", "quote"):
                # an unknown container: its children are blocks of their own
                self._collect(child, out)
            elif block is not None:
                out.append(block)
            if child.tail and child.tail.strip():
                out.append(self._paragraph_from_text(child.tail))

    def _paragraph_from_text(self, text: str) -> Block:
        plain = " ".join(text.split())
        return Block("p", escape_block_start(escape_inline(plain)), plain)

    def _block(self, element) -> Block | None:
        tag = element.tag
        if tag in ("p", "div"):
            markdown, text, links = self._inline(element)
            if not text and not markdown:
                return None
            return Block("p", escape_block_start(markdown), text, links)
        if tag == "head":
            markdown, text, links = self._inline(element, formatting=False)
            if not text:
                return None
            level = {"h1": 2, "h2": 2, "h3": 3}.get(element.get("rend", ""), 4)
            return Block("head", "#" * level + " " + escape_block_start(markdown), text, links)
        if tag == "list":
            lines, text, links = self._list(element, "")
            if not text:
                return None
            return Block("list", "\n".join(lines), text, links)
        if tag == "quote":
            inner = MarkdownWriter(self.base).blocks(element)
            inner = [b for b in inner if b.markdown]
            if not inner:
                return None
            markdown = "\n>\n".join(
                "\n".join("> " + line if line else ">" for line in b.markdown.split("\n"))
                for b in inner
            )
            return Block(
                "quote",
                markdown,
                " ".join(b.text for b in inner),
                sum(b.link_text for b in inner),
            )
        if tag == "table":
            return self._table(element)
        if tag == "code":
            code = "".join(element.itertext()).strip("\n")
            if not code.strip():
                return None
            plain = " ".join(code.split())
            if "<" in code:
                # a code block would carry the page's "<" as is; escaped lines carry none
                lines = [
                    escape_block_start(escape_inline(line.strip())) for line in code.split("\n")
                ]
                return Block("p", "\\\n".join(line for line in lines if line), plain)
            # the fence is longer than any run of tildes inside, so it cannot close early
            fence = "~" * max(3, 1 + max(map(len, re.findall(r"~+", code)), default=0))
            return Block("code", f"{fence}\n{code}\n{fence}", plain)
        if tag == "graphic":
            image = self._image(element)
            return Block("image", image, "") if image else None
        if tag == "lb":
            return None
        if tag in ("hi", "ref", "del"):
            markdown, text, links = self._inline_wrapper(element)
            return Block("p", escape_block_start(markdown), text, links) if text else None
        return None

    def _inline_wrapper(self, element):
        holder = etree.Element("p")
        clone = etree.fromstring(etree.tostring(element, with_tail=False))
        holder.append(clone)
        return self._inline(holder)

    def _image(self, element) -> str:
        src = safe_link(element.get("src"), self.base)
        if not src or src.startswith("mailto:"):
            return ""
        alt = " ".join((element.get("alt") or element.get("title") or "").split())
        alt = alt.replace("[", "(").replace("]", ")").replace("\\", "")
        return f"![{escape_inline(alt)}]({src})"

    def _inline(
        self, element, formatting: bool = True, nested: bool = False
    ) -> tuple[str, str, int]:
        """Markdown, plain text and linked-text length of an element's inline content.

        Nested calls keep their outer spaces, so "on <a>Twitter</a>" keeps its space.
        """
        parts: list[str] = []
        plain: list[str] = []
        links = 0

        def add_text(value: str | None):
            if value:
                value = _SPACES.sub(" ", value)
                parts.append(escape_inline(value))
                plain.append(value)

        add_text(element.text)
        for child in element:
            tag = child.tag
            if tag == "lb":
                parts.append(_LINE_BREAK)
                plain.append(" ")
            elif tag == "ref":
                inner_md, inner_text, _ = self._inline(child, formatting, nested=True)
                target = safe_link(child.get("target"), self.base)
                label = inner_md.strip()
                if target and label and "\n" not in label:
                    lead = inner_md[: len(inner_md) - len(inner_md.lstrip())]
                    trail = inner_md[len(inner_md.rstrip()) :]
                    parts.append(f"{lead}[{label}]({target}){trail}")
                else:
                    parts.append(inner_md)
                plain.append(inner_text)
                if (child.get("target") or "#").strip()[:1] != "#":  # anchors are not links away
                    links += len(inner_text.strip())
            elif tag == "hi" and formatting:
                inner_md, inner_text, inner_links = self._inline(child, formatting, nested=True)
                marker = {"#b": "**", "#i": "*"}.get(child.get("rend", ""), "")
                parts.append(_wrap(inner_md, marker))
                plain.append(inner_text)
                links += inner_links
            elif tag == "graphic":
                image = self._image(child)
                if image:
                    parts.append(" " + image + " ")
            elif tag in ("list", "table", "quote", "p", "head"):
                block = self._block(child)
                if block is not None:
                    parts.append("\n\n" + block.markdown + "\n\n")
                    plain.append(" " + block.text + " ")
                    links += block.link_text
            else:
                inner_md, inner_text, inner_links = self._inline(child, formatting, nested=True)
                parts.append(inner_md)
                plain.append(inner_text)
                links += inner_links
            add_text(child.tail)
        if nested:
            return "".join(parts), "".join(plain), links
        return _tidy("".join(parts)), " ".join("".join(plain).split()), links

    def _list(self, element, indent: str) -> tuple[list[str], str, int]:
        """Markdown lines of a list; nested lists sit under their item's text."""
        ordered = element.get("rend", "") == "ol"
        lines: list[str] = []
        texts: list[str] = []
        links = 0
        number = 0
        for item in element:
            if item.tag != "item":
                continue
            nested = [child for child in item if child.tag == "list"]
            for child in nested:
                item.remove(child)
            markdown, text, item_links = self._inline(item)
            marker = f"{number + 1}." if ordered else "-"
            inner_indent = indent + " " * (len(marker) + 1)
            if text or markdown:
                number += 1
                body = escape_block_start(markdown).replace("\n", "\n" + inner_indent)
                lines.append(f"{indent}{marker} {body}")
                texts.append(text)
                links += item_links
            for child in nested:
                sub_lines, sub_text, sub_links = self._list(child, inner_indent if text else indent)
                lines.extend(sub_lines)
                texts.append(sub_text)
                links += sub_links
        return lines, " ".join(t for t in texts if t), links

    def _table(self, element) -> Block | None:
        rows = []
        links = 0
        for row in element.iter("row"):
            cells = []
            for cell in row:
                if cell.tag != "cell":
                    continue
                markdown, text, cell_links = self._inline(cell)
                links += cell_links
                cells.append((_escape_pipes(" ".join(markdown.split())), text))
            if any(text for _, text in cells):
                rows.append(cells)
        if not rows:
            return None
        text = " ".join(t for row in rows for _, t in row if t)
        width = max(len(row) for row in rows)
        if width == 1:
            markdown = "\n\n".join(escape_block_start(row[0][0]) for row in rows)
            return Block("p", markdown, text, links)
        lines = []
        for index, row in enumerate(rows):
            cells = [md for md, _ in row] + [""] * (width - len(row))
            lines.append("| " + " | ".join(cells) + " |")
            if index == 0:
                lines.append("|" + "---|" * width)
        return Block("table", "\n".join(lines), text, links)


def _wrap(markdown: str, marker: str) -> str:
    """Emphasis around the text, with its outer spaces kept outside the markers."""
    core = markdown.strip()
    if not marker or not core or "\n" in core:
        return markdown
    lead = markdown[: len(markdown) - len(markdown.lstrip())]
    trail = markdown[len(markdown.rstrip()) :]
    return f"{lead}{marker}{core}{marker}{trail}"


def _tidy(markdown: str) -> str:
    """Collapse runs of spaces, trim each line, turn <br> into Markdown hard breaks."""
    lines = [" ".join(line.split()) for line in markdown.split("\n")]
    out = "\n".join(lines)
    out = re.sub(r"\n{3,}", "\n\n", out).strip()
    out = re.sub(r"\s*\x00(\s*\x00)*\s*", "\x00", out).strip("\x00 ")
    first, *rest = out.split(_LINE_BREAK)
    return "\\\n".join([first, *(escape_block_start(line) for line in rest)])


def _escape_pipes(markdown: str) -> str:
    """A cell's Markdown with every pipe escaped, those of text escaped once only."""
    return _UNESCAPED_PIPE.sub(r"\1\\|", markdown)
