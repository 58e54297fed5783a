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

Run from anywhere, with nothing beside the repository:
    python3 compress/testdata/gen_golden.py
The pages and the input are made up here in the platform's shapes (the
generator in internal/fixtures makes whole payloads for the other tests).
Python 3.8 or later.
"""

import gzip
import io
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def made_up_page(number, quantity, unit, values, axis=None):
    """A page in the platform's shape: metadata, dimensions, data and axes."""
    page = {
        "metadata": {"dettyp": quantity, "name": quantity, "unit": unit, "page_number": str(number),
                     "page_normalized": "2", "page_offset": "0.0", "page_scale_factor": "1.0"},
        "dimensions": 0,
        "data": {"name": quantity, "unit": unit, "values": values},
    }
    if axis is not None:
        page["dimensions"] = 1
        page["axis_dim1"] = axis
    return page


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
    # A 0-D page: one value of seventeen digits.
    platform_case("page_0d", made_up_page(0, "DOSE", "MeV/g", [0.07129197854661562]), mtime=1686836843)

    # A 1-D page of 48 bins along depth: bin centres with binary-fraction
    # tails, a Bragg-like rise, a tail written with exponents, one zero.
    # (No long runs of equal text: there a flipped back-reference distance can
    # copy the same bytes, a change no checksum can see, which the bit-flip
    # test would count against the decoder.)
    centres = [0.025 + 0.05 * i for i in range(48)]
    dose = [round(1 / (1.3 - z * 0.5), 15) if z < 2.2 else 3.5e-05 / (i - 42) for i, z in enumerate(centres)]
    dose[47] = 0
    platform_case("page_1d", made_up_page(3, "FLUENCE", "/cm^2", dose,
                                          {"name": "Position (Z)", "unit": "cm", "values": centres}), mtime=1686836900)

    # An input with its files: multi-line text with tabs and quotes.
    platform_case("input_files", {
        "input_files": {
            "info.json": "{'version': '', 'label': '', 'simulator': 'shieldhit'}",
            "beam.dat": "RNDSEED      \t11223344     ! seed\nJPART0       \t2            ! protons\n"
                        "TMAX0      \t70.0 0.7       ! energy, spread (MeV/nucl)\nNSTAT       2000    0\n",
            "mat.dat": "MEDIUM 1\nICRU 276\nEND\n",
            "detect.dat": "Geometry Cyl\n    Name Depth\n    R 0 3 1\n    Z 0 2.4 48\n\nOutput\n"
                          "    Filename depth.bdo\n    Geo Depth\n    Quantity Fluence\n",
        },
        "input_type": "files", "ntasks": 2, "sim_type": "shieldhit", "title": "Proton \"pencil\" beam",
    }, mtime=1700000000)

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

    # Python writes NaN and Infinity (allow_nan=True) and reads them back; they
    # are not RFC 8259 JSON, but the platform stores them, so Go must keep them.
    platform_case("nan", {"values": [float("nan"), float("inf"), -float("inf")]}, mtime=9)


if __name__ == "__main__":
    main()
