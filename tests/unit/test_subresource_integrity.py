"""Subresource Integrity after the build: script and modulepreload tags get the hash of their file."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pytest

from skopx_ui.integrity import add_integrity
from skopx_ui.middleware import inline_script_hashes

INLINE = 'window.x = "<script src=\\"/assets/app.js\\"><\\/script>";\r\nconsole.log(1);'
PAGE = (
    '<!DOCTYPE html><html><head><meta charSet="utf-8"/>'
    '<link rel="stylesheet" href="/assets/app.css"/>'
    '<link rel="modulepreload" href="/assets/app.js"/>\n'
    '<link rel="modulepreload" href="/assets/chunk%20one.js?v=1">'
    '<script defer="" src="/forms.js"></script>'
    '<script src="https://cdn.example.com/lib.js"></script>'
    '<script src="/assets/app.js" integrity="sha384-already"></script>'
    f"<script>{INLINE}</script>"
    '<script type="module" async="">import "/assets/app.js";</script>'
    "</head><body></body></html>"
)


def sri(content: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(content).digest()).decode()


@pytest.fixture
def build(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "app.js").write_bytes(b"export const app = 1;\n")
    (tmp_path / "assets" / "chunk one.js").write_bytes(b"export const chunk = 2;\n")
    (tmp_path / "assets" / "app.css").write_bytes(b"body{}")
    (tmp_path / "forms.js").write_bytes(b"document.title;")
    (tmp_path / "chat").mkdir()
    (tmp_path / "index.html").write_bytes(PAGE.encode())
    (tmp_path / "chat" / "index.html").write_bytes(PAGE.encode())
    return tmp_path


def test_every_local_script_and_module_preload_gets_its_files_hash(build: Path) -> None:
    inline_before = inline_script_hashes(build)
    assert add_integrity(build) == 2
    html = (build / "chat" / "index.html").read_bytes().decode()
    app, chunk, forms = (
        sri(p.read_bytes()) for p in map(build.joinpath, ("assets/app.js", "assets/chunk one.js", "forms.js"))
    )
    assert f'<link rel="modulepreload" href="/assets/app.js" integrity="{app}"/>\n' in html
    assert f'<link rel="modulepreload" href="/assets/chunk%20one.js?v=1" integrity="{chunk}">' in html
    assert f'<script defer="" src="/forms.js" integrity="{forms}"></script>' in html
    assert '<link rel="stylesheet" href="/assets/app.css"/>' in html
    assert '<script src="https://cdn.example.com/lib.js"></script>' in html, "another origin is left alone"
    assert '<script src="/assets/app.js" integrity="sha384-already"></script>' in html
    assert f"<script>{INLINE}</script>" in html, "inline scripts stay byte for byte"
    assert inline_script_hashes(build) == inline_before
    assert len(re.findall(r'integrity="', html)) == 4


def test_running_twice_changes_nothing(build: Path) -> None:
    add_integrity(build)
    first = (build / "index.html").read_bytes()
    assert add_integrity(build) == 0
    assert (build / "index.html").read_bytes() == first


def test_a_reference_to_a_missing_file_stops_the_build(build: Path) -> None:
    (build / "index.html").write_text('<script src="/assets/gone.js"></script>')
    with pytest.raises(RuntimeError, match=re.escape("/assets/gone.js")):
        add_integrity(build)


def test_a_path_outside_the_build_is_refused(build: Path) -> None:
    (build / "index.html").write_text('<script src="/../outside.js"></script>')
    (build.parent / "outside.js").write_text("x")
    with pytest.raises(RuntimeError, match=re.escape("outside.js")):
        add_integrity(build)
