"""Keyring parsing, validation at start-up, caching, and key generation."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.config import SettingsError, load_settings
from backend.crypto import keygen, keyring
from backend.crypto.keyring import Keyring, KeyringError, get_keyring, load_keyring, validate_all

ROOT = Path(__file__).resolve().parents[2]
KEY = os.urandom(32)
KEY_TEXT = base64.urlsafe_b64encode(KEY).decode()
KEY_UNPADDED = KEY_TEXT.rstrip("=")
PRODUCTION_ENV = {
    "SKOPX_ENV": "production",
    "DATABASE_URL": "postgresql://app@db/skopx",
    "SERVICE_DATABASE_URL": "postgresql://service@db/skopx",
    "SESSION_SECRET": "s" * 40,
    "SKOPX_PUBLIC_URL": "https://skopx.example",
}


def _entry(kid: str) -> str:
    return f"{kid}:{base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip('=')}"


def _all_keyrings(**overrides: str) -> dict[str, str]:
    values = {f"SKOPX_KEYRING_{p.upper()}": _entry("k1") for p in keyring.PURPOSES}
    values.update(overrides)
    return {name: value for name, value in values.items() if value is not None}


def test_parses_padded_and_unpadded_keys_newest_last() -> None:
    ring = Keyring.parse("dbconfig", f"a1:{KEY_TEXT}, b2:{KEY_UNPADDED} ,c3:{_entry('x').split(':')[1]}")
    assert ring.kids == ("a1", "b2", "c3")
    assert ring.newest_kid == "c3"
    assert ring.cipher("a1") is not None and ring.cipher("zz") is None


@pytest.mark.parametrize(
    ("raw", "complaint"),
    [
        ("", "is empty"),
        (" , ", "is empty"),
        (KEY_TEXT, "not of the form kid:base64url-key"),
        (f"K1:{KEY_TEXT}", "key id must be"),
        (f"a-b:{KEY_TEXT}", "key id must be"),
        (f"{'a' * 17}:{KEY_TEXT}", "key id must be"),
        (f":{KEY_TEXT}", "key id must be"),
        (f"k1:{KEY_TEXT},k1:{KEY_TEXT}", "entry 2: key id 'k1' is used more than once"),
        (f"k1:{KEY_TEXT},", "entry 2 is not of the form"),
        ("k1:not base64!", "not valid base64url"),
        (f"k1:{KEY_TEXT.replace('=', '')[:-4]}", "must decode to 32 bytes, not 29"),
        (f"k1:{base64.urlsafe_b64encode(os.urandom(33)).decode()}", "must decode to 32 bytes, not 33"),
        ("k1:" + "+/" * 22, "not valid base64url"),  # standard base64, not base64url
    ],
)
def test_malformed_keyrings_name_the_variable_and_never_the_key(raw: str, complaint: str) -> None:
    with pytest.raises(KeyringError) as caught:
        Keyring.parse("apikeys", raw)
    message = str(caught.value)
    assert "SKOPX_KEYRING_APIKEYS" in message
    assert complaint in message
    assert KEY_UNPADDED not in message and KEY_UNPADDED[:12] not in message


@given(st.text(max_size=120))
def test_arbitrary_input_either_parses_or_raises_keyring_error(raw: str) -> None:
    try:
        Keyring.parse("oauth", raw)
    except KeyringError as error:
        assert "SKOPX_KEYRING_OAUTH" in str(error)


def test_validate_all_names_every_bad_variable_in_production() -> None:
    settings = load_settings({**PRODUCTION_ENV, **_all_keyrings()})
    validate_all(settings)
    broken = replace(settings, keyrings={"oauth": "k1:short", "dbconfig": "", "apikeys": _entry("k1")})
    with pytest.raises(SettingsError) as caught:
        validate_all(broken)
    assert "SKOPX_KEYRING_OAUTH" in caught.value.message
    assert "SKOPX_KEYRING_DBCONFIG is not set" in caught.value.message
    assert "SKOPX_KEYRING_APIKEYS" not in caught.value.message


def test_local_mode_missing_keyring_fails_on_use_with_make_hint() -> None:
    settings = load_settings({"SKOPX_ENV": "local"})
    validate_all(settings)  # local start-up tolerates absence...
    with pytest.raises(KeyringError, match=r"SKOPX_KEYRING_OAUTH is not set.*make run"):
        load_keyring(settings, "oauth")  # ...but using it says how to fix it
    malformed = load_settings({"SKOPX_ENV": "local", "SKOPX_KEYRING_OAUTH": "k1:abc"})
    with pytest.raises(SettingsError, match="SKOPX_KEYRING_OAUTH"):
        validate_all(malformed)  # malformed is never tolerated


def test_get_keyring_is_cached_and_rejects_unknown_purposes() -> None:
    assert get_keyring("oauth") is get_keyring("oauth")
    assert get_keyring("oauth") is not get_keyring("apikeys")
    with pytest.raises(ValueError, match="Unknown encryption purpose"):
        get_keyring("passwords")


def test_aesgcm_objects_are_built_once_per_key() -> None:
    ring = get_keyring("dbconfig")
    assert ring.newest_cipher is ring.newest_cipher is ring.cipher(ring.newest_kid)


def _run_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT), **env}
    return subprocess.run(
        [sys.executable, "-m", "backend.crypto.check"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_startup_with_a_missing_keyring_exits_non_zero_naming_it() -> None:
    result = _run_check({**PRODUCTION_ENV, **_all_keyrings(SKOPX_KEYRING_APIKEYS=None)})
    assert result.returncode != 0
    assert "SKOPX_KEYRING_APIKEYS" in result.stderr


def test_production_startup_with_a_malformed_keyring_exits_non_zero_without_key_material() -> None:
    bad = f"k1:{KEY_UNPADDED},k1:{KEY_UNPADDED}"
    result = _run_check({**PRODUCTION_ENV, **_all_keyrings(SKOPX_KEYRING_DBCONFIG=bad)})
    assert result.returncode == 2
    assert "SKOPX_KEYRING_DBCONFIG" in result.stderr
    assert KEY_UNPADDED not in result.stderr + result.stdout


def test_production_startup_with_valid_keyrings_succeeds_and_prints_only_key_ids() -> None:
    env = {**PRODUCTION_ENV, **_all_keyrings(SKOPX_KEYRING_OAUTH=f"old:{KEY_UNPADDED},{_entry('new')}")}
    result = _run_check(env)
    assert result.returncode == 0, result.stderr
    assert "SKOPX_KEYRING_OAUTH: key id(s) old, new; newest new" in result.stdout
    assert KEY_UNPADDED not in result.stdout


def test_keygen_entries_parse_and_are_unique(capsys: pytest.CaptureFixture[str]) -> None:
    entry = keygen.new_keyring_entry()
    kid, _, _ = entry.partition(":")
    assert kid == keygen.default_kid() and len(kid) == 9
    ring = Keyring.parse("oauth", f"{keygen.new_keyring_entry('old')},{entry}")
    assert ring.newest_kid == kid
    assert keygen.new_keyring_entry("a") != keygen.new_keyring_entry("a")
    keygen.main(["--env", "--kid", "dev1"])
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("=")[0] for line in lines] == [f"SKOPX_KEYRING_{p.upper()}" for p in keyring.PURPOSES]
    assert all(Keyring.parse("oauth", line.split("=", 1)[1]).kids == ("dev1",) for line in lines)
    with pytest.raises(SystemExit):
        keygen.main(["--kid", "Bad-Kid"])
