"""Ledger verification throughput against raw SHA-256 over the same canonical bytes, in one run.

    .venv/bin/python bench/ledger_verify.py [--records 200000] [--repeat 7]

Builds an in-memory chain of trace-event-like payloads, then times:
- baseline: ``hashlib.sha256(canonical).digest()`` for every record (the least any verifier must do);
- ``verify_chain(check_payloads=False)``: the full chain check over stored canonical bytes;
- ``verify_chain(check_payloads=True)`` once, for information (re-canonicalizes every payload dict).
Prints the medians and the ratio verify / baseline.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import time

from junkan.trace.ledger import LedgerLink, chain_record, verify_chain


def make_payload(i: int) -> dict[str, object]:
    return {
        "id": f"urn:uuid:00000000-0000-4000-8000-{i:012d}",
        "kind": ("collect", "sort", "recycle", "ship", "receive")[i % 5],
        "time": f"2025-04-{1 + i % 28:02d}T09:{i % 60:02d}:00Z",
        "site": f"site-{i % 40}",
        "organisation": "org-kitakyushu-recycling",
        "inputs": [
            {"lot": f"LOT-{i - 1}", "material": "PET", "quantity": f"{1000 + i % 997}.5", "unit": "kg"},
        ],
        "outputs": [
            {"lot": f"LOT-{i}", "material": "rPET flakes", "quantity": f"{900 + i % 991}.25", "unit": "kg"},
        ],
        "documents": [["invoice", f"INV-{i}"]],
    }


def build(n: int) -> list[LedgerLink]:
    links: list[LedgerLink] = []
    prev = None
    for seq in range(1, n + 1):
        prev = chain_record(prev, seq, make_payload(seq))
        links.append(prev)
    return links


def _time(fn: object, repeat: int) -> list[float]:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        runs.append(time.perf_counter() - start)
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    t0 = time.perf_counter()
    links = build(args.records)
    build_s = time.perf_counter() - t0
    blobs = [link.canonical for link in links]
    total_bytes = sum(map(len, blobs))

    def raw() -> None:
        sha256 = hashlib.sha256
        for blob in blobs:
            sha256(blob).digest()

    def verify() -> None:
        assert verify_chain(links, check_payloads=False).ok

    # interleave so that both see the same machine state
    raw_runs: list[float] = []
    verify_runs: list[float] = []
    for _ in range(args.repeat):
        raw_runs += _time(raw, 1)
        verify_runs += _time(verify, 1)
    payload_check = _time(lambda: verify_chain(links, check_payloads=True), 1)[0]

    raw_med, verify_med = statistics.median(raw_runs), statistics.median(verify_runs)
    print(f"records: {args.records:,}  canonical bytes: {total_bytes / 1e6:.1f} MB  build: {build_s:.2f} s")
    print(f"raw sha256 over canonical bytes   median {raw_med * 1e3:8.1f} ms")
    print(f"verify_chain(check_payloads=False) median {verify_med * 1e3:8.1f} ms")
    print(f"ratio verify / raw sha256: {verify_med / raw_med:.2f}x")
    print(f"verify_chain(check_payloads=True) single run {payload_check * 1e3:8.1f} ms (re-canonicalizes)")


if __name__ == "__main__":
    main()
