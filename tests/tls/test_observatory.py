"""Mozilla's HTTP Observatory (the real scanner, run locally) grades https://localhost behind Caddy."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from backend.config import PROJECT_ROOT
from tests.e2e_support import ARTIFACTS

SCANNER = PROJECT_ROOT / ".tools/observatory/node_modules/@mdn/mdn-http-observatory/src/scan.js"


def scan(hostname: str, root_certificate: Path) -> dict:
    node = shutil.which("node")
    if node is None or not SCANNER.exists():
        pytest.fail("The HTTP Observatory is not installed: run `make observatory` (needs node and npm).")
    result = subprocess.run(
        [node, str(SCANNER), hostname],
        env={**os.environ, "NODE_EXTRA_CA_CERTS": str(root_certificate)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    report = json.loads(result.stdout or "{}")
    assert result.returncode == 0 and "scan" in report, f"the scan failed: {result.stdout}{result.stderr}"
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "observatory.json").write_text(json.dumps(report, indent=2))
    return report


def test_observatory_grades_the_tls_site_a_plus(site: str, caddy_root: Path) -> None:
    report = scan("localhost", caddy_root)
    summary = report["scan"]
    print(f"\nObservatory: grade {summary['grade']}, score {summary['score']}", end="")
    print(f" ({summary['testsPassed']} of {summary['testsQuantity']} tests passed)")
    for name, test in report["tests"].items():
        outcome = "pass" if test["pass"] else "FAIL"
        print(f"  {outcome}  {name:32} {test['result']} ({test['scoreModifier']:+d})")
    failed = [name for name, test in report["tests"].items() if not test["pass"]]
    assert failed == []
    assert summary["grade"] == "A+"
    assert summary["score"] >= 125
