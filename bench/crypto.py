"""Benchmark: Skopx's AES-256-GCM tokens versus the seed's scrypt-per-call AES-256-CBC.

`python bench/crypto.py [--iterations N] [--seed-iterations M]`

Both schemes encrypt and then decrypt the same 200-byte token in the same run; the
figures are per-call latencies of decrypt (and encrypt) in microseconds. Budget:
Skopx decrypt p99 < 50 µs and at least 500x faster than the seed. The
last line is `ratio_vs_seed=<seed decrypt p50 / Skopx decrypt p50>`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backend.crypto.keygen import new_keyring_entry

# A throwaway key so the benchmark runs without configured secrets.
os.environ.setdefault("SKOPX_KEYRING_OAUTH", f"{new_keyring_entry('old')},{new_keyring_entry('bench')}")

from backend.crypto.aead import decrypt, encrypt
from backend.crypto.legacy import decrypt_legacy, encrypt_legacy

TOKEN = os.urandom(100).hex().encode()  # 200 bytes, like an OAuth refresh token
PASSPHRASE = "bench-legacy-passphrase"
SCOPE_ID, ROW_ID = "0b6f1c1e-7a51-4a4b-9f6e-2f1f3f1f9a10", "5d1e0a8c-3c2b-4f39-8a0e-6b9a6d2c4e11"


def _timed(call: Callable[[], object]) -> tuple[object, float]:
    start = time.perf_counter_ns()
    result = call()
    return result, (time.perf_counter_ns() - start) / 1000


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def run_skopx(iterations: int) -> tuple[list[float], list[float]]:
    encrypt_us, decrypt_us = [], []
    for _ in range(iterations):
        token, spent = _timed(lambda: encrypt("oauth", TOKEN, scope_id=SCOPE_ID, row_id=ROW_ID))
        encrypt_us.append(spent)
        plaintext, spent = _timed(lambda t=token: decrypt("oauth", t, scope_id=SCOPE_ID, row_id=ROW_ID))
        decrypt_us.append(spent)
        assert plaintext == TOKEN
    return encrypt_us, decrypt_us


def run_seed(iterations: int) -> tuple[list[float], list[float]]:
    encrypt_us, decrypt_us = [], []
    for _ in range(iterations):
        token, spent = _timed(lambda: encrypt_legacy(TOKEN, PASSPHRASE))
        encrypt_us.append(spent)
        plaintext, spent = _timed(lambda t=token: decrypt_legacy(t, PASSPHRASE))
        decrypt_us.append(spent)
        assert plaintext == TOKEN
    return encrypt_us, decrypt_us


def _report(name: str, iterations: int, encrypt_us: list[float], decrypt_us: list[float]) -> None:
    print(
        f"{name:<28} n={iterations:<6} "
        f"encrypt p50={_percentile(encrypt_us, 0.5):10.1f} µs  "
        f"decrypt p50={_percentile(decrypt_us, 0.5):10.1f} µs  "
        f"p99={_percentile(decrypt_us, 0.99):10.1f} µs  "
        f"mean={statistics.fmean(decrypt_us):10.1f} µs"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--iterations", type=int, default=20_000, help="Skopx encrypt+decrypt pairs")
    parser.add_argument("--seed-iterations", type=int, default=30, help="seed pairs (~66 ms each)")
    args = parser.parse_args()

    run_skopx(1_000)  # warm-up: keyring load, first AESGCM calls, allocator
    run_seed(2)
    skopx_encrypt, skopx_decrypt = run_skopx(args.iterations)
    seed_encrypt, seed_decrypt = run_seed(args.seed_iterations)

    print(f"token: {len(TOKEN)} bytes; Python {sys.version.split()[0]}; {os.cpu_count()} CPU(s)")
    _report("skopx v2 AES-256-GCM", args.iterations, skopx_encrypt, skopx_decrypt)
    _report("seed scrypt+AES-256-CBC", args.seed_iterations, seed_encrypt, seed_decrypt)
    skopx_p99 = _percentile(skopx_decrypt, 0.99)
    ratio = _percentile(seed_decrypt, 0.5) / _percentile(skopx_decrypt, 0.5)
    print(f"budget decrypt p99 < 50 µs: {'ok' if skopx_p99 < 50 else 'EXCEEDED'} ({skopx_p99:.1f} µs)")
    print(f"budget ratio >= 500x: {'ok' if ratio >= 500 else 'MISSED'}")
    print(f"ratio_vs_seed={ratio:.1f}")


if __name__ == "__main__":
    main()
