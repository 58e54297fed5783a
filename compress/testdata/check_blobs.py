#!/usr/bin/env python3
"""Decode blobs written by the Go codec the way the platform's Python side does.

python_test.go writes, into one directory, pairs of files:
  NAME.gz    a blob our Go code wrote;
  NAME.want  JSON text holding the value the blob must decode to.
For each pair this script decodes the blob with gzip.decompress and strict
UTF-8 + json.loads (duplicate keys refused; NaN, Infinity and -Infinity read
as the platform reads them), loads the wanted value with json.loads, and
compares the two with ==, except that NaN equals NaN. It prints one
line per pair, "ok NAME" or "FAIL NAME: reason", and exits 1 if any failed.

    python3 check_blobs.py DIR
"""

import gzip
import json
import os
import sys


def refuse_duplicates(pairs):
    keys = [key for key, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate key in object")
    return dict(pairs)


def strict_loads(text):
    return json.loads(text, object_pairs_hook=refuse_duplicates)


def same(a, b):
    """== on decoded JSON values, with NaN equal to NaN."""
    if isinstance(a, float) and isinstance(b, float) and a != a and b != b:
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def main(directory):
    names = sorted(name[:-3] for name in os.listdir(directory) if name.endswith(".gz"))
    if not names:
        print(f"FAIL no blobs in {directory}")
        return 1
    failures = 0
    for name in names:
        try:
            with open(os.path.join(directory, name + ".gz"), "rb") as f:
                value = strict_loads(gzip.decompress(f.read()).decode("utf-8"))
            with open(os.path.join(directory, name + ".want"), "rb") as f:
                want = json.loads(f.read().decode("utf-8"))
            if not same(value, want):
                raise ValueError(f"decoded {json.dumps(value)[:200]} != wanted {json.dumps(want)[:200]}")
            print(f"ok {name}")
        except Exception as exc:  # report every kind of failure, keep going
            failures += 1
            print(f"FAIL {name}: {type(exc).__name__}: {exc}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
