"""Subresource Integrity for the production build.

Every `<script src>` and `<link rel="modulepreload">` in the built HTML gets `integrity="sha384-…"`,
the hash of the file it names, so the browser refuses a script that differs from the one this build
produced (a tampered cache, CDN or disk). `SubresourceIntegrity` is a Reflex plugin (rxconfig.py) whose
`post_build` hook runs once `reflex run --env prod` has finished the build, before Reflex copies the
404 page and pre-compresses the files, so those copies carry the hashes too.

All scripts are served from our own origin, so no `crossorigin` attribute is needed (module scripts
are fetched in CORS mode anyway). Only attributes are added: the bodies of inline scripts, which the
CSP allows by their sha256 hash (skopx_ui/middleware.py), stay byte for byte the same.
"""

from __future__ import annotations

import base64
import hashlib
from html.parser import HTMLParser
from pathlib import Path
from typing import Unpack
from urllib.parse import unquote, urlsplit

from reflex_base.plugins.base import Plugin, PostBuildContext


def _sri(path: Path) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(path.read_bytes()).digest()).decode()


class _SubresourceTags(HTMLParser):
    """Finds the start tags that load a script by address, with their exact spans in the source."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self._line_starts = [0]
        for index, char in enumerate(source):
            if char == "\n":
                self._line_starts.append(index + 1)
        self.found: list[tuple[int, int, str]] = []  # (start, end, url)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if "integrity" in values:
            return
        if tag == "script" and values.get("src"):
            url = values["src"]
        elif tag == "link" and values.get("rel", "").lower() == "modulepreload" and values.get("href"):
            url = values["href"]
        else:
            return
        line, column = self.getpos()
        start = self._line_starts[line - 1] + column
        self.found.append((start, start + len(self.get_starttag_text() or ""), url))


def _local_file(static_dir: Path, url: str) -> Path | None:
    """The build file a same-origin URL names; None for another origin."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    path = (static_dir / unquote(parts.path).lstrip("/")).resolve()
    if not path.is_relative_to(static_dir.resolve()) or not path.is_file():
        raise RuntimeError(f"The build references {url}, which is not a file in {static_dir}.")
    return path


def add_integrity_to_html(source: str, static_dir: Path) -> str:
    finder = _SubresourceTags(source)
    finder.feed(source)
    finder.close()
    pieces: list[str] = []
    cursor = 0
    for start, end, url in finder.found:
        file = _local_file(static_dir, url)
        if file is None:
            continue
        tag = source[start:end]
        close = len(tag) - (2 if tag.endswith("/>") else 1)
        pieces += [source[cursor:start], tag[:close], f' integrity="{_sri(file)}"', tag[close:]]
        cursor = end
    pieces.append(source[cursor:])
    return "".join(pieces)


def add_integrity(static_dir: Path) -> int:
    """Rewrites every HTML file of the build in place; returns how many files changed."""
    changed = 0
    for html in sorted(static_dir.rglob("*.html")):
        source = html.read_bytes().decode("utf-8")  # bytes: no newline translation
        rewritten = add_integrity_to_html(source, static_dir)
        if rewritten != source:
            html.write_bytes(rewritten.encode("utf-8"))
            changed += 1
    return changed


class SubresourceIntegrity(Plugin):
    def post_build(self, **context: Unpack[PostBuildContext]) -> None:
        add_integrity(context["static_dir"])
