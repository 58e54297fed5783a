#!/usr/bin/env python3
"""Write the golden blobs that compress/golden_test.go decodes.

Each case NAME gives two files here:
  NAME.json.gz  the blob, written the way the platform's Python backend writes
                one: gzip.compress(json.dumps(value).encode()) -- gzip level 9,
                json.dumps defaults (ensure_ascii, ", " and ": " separators);
  NAME.json     the exact text inside the blob, for a byte-for-byte check.

A few cases differ on purpose, each noted below: several gzip members, zero
padding after the stream, a header with a file name, and NaN, which Python
writes but JSON does not allow. mtimes are fixed (and differ between cases) so
that a rerun with the same zlib gives the same bytes.

Run from anywhere; the real pages come from the shared fixtures:
    python3 compress/testdata/gen_golden.py [FIXTURES_DIR]
FIXTURES_DIR defaults to $YAPSTORE_FIXTURES, else ../../../shared/fixtures
relative to this file. Python 3.8 or later.
"""

import gzip
import io
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def fixtures_dir():
    if len(sys.argv) > 1:
        return sys.argv[1]
    return os.environ.get("YAPSTORE_FIXTURES") or os.path.join(HERE, "..", "..", "..", "shared", "fixtures")


def load_fixture(name):
    with open(os.path.join(fixtures_dir(), name), encoding="utf-8") as f:
        return json.load(f)


def write_case(name, text, blob):
    with open(os.path.join(HERE, name + ".json"), "wb") as f:
        f.write(text)
    with open(os.path.join(HERE, name + ".json.gz"), "wb") as f:
        f.write(blob)
    print(f"{name}: {len(text)} bytes of JSON, {len(blob)} bytes of gzip")


def platform_case(name, value, mtime):
    """A blob exactly as the platform writes it."""
    text = json.dumps(value).encode()
    write_case(name, text, gzip.compress(text, compresslevel=9, mtime=mtime))


def main():
    results = load_fixture("json_with_results.json")
    pages = [page for estimator in results["estimators"] for page in estimator["pages"]]

    # A real 0-D page, whole.
    page_0d = next(page for page in pages if page["dimensions"] == 0)
    platform_case("page_0d", page_0d, mtime=1686836843)

    # A real 1-D page, its value lists cut to 48 entries to keep the file small.
    page_1d = json.loads(json.dumps(next(page for page in pages if page["dimensions"] == 1)))
    for key in ("axis_dim1", "data"):
        page_1d[key]["values"] = page_1d[key]["values"][:48]
    platform_case("page_1d", page_1d, mtime=1686836900)

    # A real input with its files (multi-line text with tabs).
    platform_case("input_files", load_fixture("shieldhit_json_payload_files.json"), mtime=1700000000)

    # Logfiles: text with every kind of escape ensure_ascii produces.
    platform_case("logfiles", {
        "simulation.log": "line 1\nline 2\r\n\ttab \"quoted\" back\\slash /slash\x00nul\x1fus\x7fdel",
        "unicode.log": "Z\u00fcrich \u00b5m \u2192 \u03b1\u03b2 \U0001F600 \u2028\u2029 <&> \ufeff",
    }, mtime=1)

    # Numbers Go must keep exact in text: ints past 2**53 and 2**64, float
    # extremes, negative zero.
    platform_case("numbers", [
        0, -1, 2**53 + 1, 2**64, 10**30, -0.0, 0.1, 1e-07, 1e16, 1e22, 3.141592653589793,
        1.7976931348623157e308, 5e-324, 2.5e-05,
    ], mtime=4294967295)

    # JSON null, and empty containers and strings.
    platform_case("null", None, mtime=0)
    platform_case("empty", {"input_files": {}, "values": [], "name": ""}, mtime=1234567890)

    # Not what the platform writes, but what Python's gzip.decompress reads:
    # two members, whose texts concatenate into one JSON value...
    write_case("multi_member", b"[1, 2]",
               gzip.compress(b"[1, ", compresslevel=9, mtime=5) + gzip.compress(b"2]", compresslevel=1, mtime=6))
    # ...zero padding after the stream (gzip.decompress strips it)...
    text = json.dumps({"padded": True}).encode()
    write_case("zero_padded", text, gzip.compress(text, compresslevel=9, mtime=7) + b"\x00" * 9)
    # ...and a header carrying a file name (FNAME flag), as GzipFile writes it.
    text = json.dumps({"named": "page.json"}).encode()
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="page.json", mode="wb", compresslevel=9, fileobj=buffer, mtime=8) as f:
        f.write(text)
    write_case("with_name", text, buffer.getvalue())

    # Python writes NaN and Infinity (allow_nan=True); they are not JSON, and
    # Go must refuse them with ErrInvalidJSON.
    platform_case("nan", {"values": [float("nan"), float("inf"), -float("inf")]}, mtime=9)


if __name__ == "__main__":
    main()
