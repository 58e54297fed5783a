#!/usr/bin/env python3
"""Generate golden vectors for internal/passhash.

Every vector is computed with hashlib exactly the way werkzeug.security does it
(password and salt encoded as UTF-8, scrypt with a 64-byte key, pbkdf2_hmac with
the digest's own key length, the key written as lowercase hex). Salts are fixed
so the output is reproducible. When Werkzeug is importable, each vector is also
checked with werkzeug.security.check_password_hash (the right password must
pass, a wrong one must fail), so the file records what Werkzeug accepts.

Run from the repository root:

    python3 internal/passhash/testdata/gen_vectors.py > internal/passhash/testdata/vectors.json
"""

import hashlib
import json
import sys

# Werkzeug's current defaults (3.1): a method written without parameters means these.
SCRYPT_DEFAULT = (2**15, 8, 1)
PBKDF2_DEFAULT_HASH = "sha256"
PBKDF2_DEFAULT_ITERATIONS = 1_000_000


def derive(method, salt, password):
    name, *args = method.split(":")
    salt_bytes = salt.encode()
    password_bytes = password.encode()
    if name == "scrypt":
        n, r, p = map(int, args) if args else SCRYPT_DEFAULT
        return hashlib.scrypt(
            password_bytes, salt=salt_bytes, n=n, r=r, p=p, maxmem=132 * n * r * p
        ).hex()
    if name == "pbkdf2":
        hash_name = args[0] if args else PBKDF2_DEFAULT_HASH
        iterations = int(args[1]) if len(args) == 2 else PBKDF2_DEFAULT_ITERATIONS
        return hashlib.pbkdf2_hmac(hash_name, password_bytes, salt_bytes, iterations).hex()
    raise ValueError(f"unknown method {method!r}")


# Other passwords Werkzeug also accepts for a vector. HMAC pads a key shorter
# than the digest's block with zero bytes, so a password plus trailing NULs
# derives the same key, in scrypt (whose first step is PBKDF2-HMAC-SHA256) and
# in pbkdf2 alike. The Go tests check that Verify agrees.
ALSO_ACCEPTED = {
    "scrypt, r=1, 8-char salt": ["hunter2\0"],
    "pbkdf2 sha1": ["pässwörd\0\0"],
}

# (note, method as written in the stored hash, salt, password)
CASES = [
    ("current default", "scrypt:32768:8:1", "Xq3ZbN8pLr2Tw6Ys", "correct horse battery staple"),
    ("current default, empty password", "scrypt:32768:8:1", "a1B2c3D4e5F6g7H8", ""),
    ("current default, non-ASCII password", "scrypt:32768:8:1", "QWERTYuiop123456", "pässwörd ☢ 日本語"),
    ("current default, password with separators", "scrypt:32768:8:1", "zzzzzzzzzzzzzzzz", "a$b:c$$d"),
    ("current default, long password", "scrypt:32768:8:1", "0123456789abcdef", "x" * 300),
    ("scrypt without parameters means 32768:8:1", "scrypt", "NoParamsSalt0001", "hunter2"),
    ("scrypt, other N", "scrypt:16384:8:1", "LowerNSalt000001", "hunter2"),
    ("scrypt, p=2", "scrypt:4096:8:2", "ParallelSalt0001", "hunter2"),
    ("scrypt, r=1, 8-char salt", "scrypt:1024:1:1", "ShortSlt", "hunter2"),
    ("scrypt, non-ASCII salt", "scrypt:1024:8:1", "sälz☃", "hunter2"),
    ("pbkdf2 Werkzeug 0.15-1.x default, 8-char salt", "pbkdf2:sha256:150000", "aBcDeFgH", "s3cret!"),
    ("pbkdf2 Werkzeug 2.0-2.2 default", "pbkdf2:sha256:260000", "Legacy2SaltAbCdE", "s3cret!"),
    ("pbkdf2 Werkzeug 2.3-3.0 default", "pbkdf2:sha256:600000", "Legacy3SaltAbCdE", "s3cret!"),
    ("pbkdf2 Werkzeug 3.1 default", "pbkdf2:sha256:1000000", "Legacy4SaltAbCdE", "s3cret!"),
    ("pbkdf2:sha256 without iterations means 1000000", "pbkdf2:sha256", "NoIterSalt000001", "s3cret!"),
    ("pbkdf2 without parameters means sha256 and 1000000", "pbkdf2", "BarePbkdf2Salt01", "s3cret!"),
    ("pbkdf2 sha512", "pbkdf2:sha512:210000", "Sha512SaltAbCdEf", "pässwörd"),
    ("pbkdf2 sha1", "pbkdf2:sha1:50000", "Sha1SaltAbCdEfGh", "pässwörd"),
    ("pbkdf2 sha224", "pbkdf2:sha224:1000", "Sha224SaltAbCdEf", "pässwörd"),
    ("pbkdf2 sha384", "pbkdf2:sha384:1000", "Sha384SaltAbCdEf", "pässwörd"),
    ("pbkdf2 sha512_256", "pbkdf2:sha512_256:1000", "Sha512tSaltAbCdE", "pässwörd"),
    ("pbkdf2 sha3_256", "pbkdf2:sha3_256:1000", "Sha3SaltAbCdEfGh", "pässwörd"),
    ("pbkdf2 sha3_512", "pbkdf2:sha3_512:1000", "Sha3xSaltAbCdEfG", "pässwörd"),
    ("pbkdf2 upper-case hash name", "pbkdf2:SHA256:1000", "UpperSaltAbCdEfG", "pässwörd"),
    ("pbkdf2, 32-char salt", "pbkdf2:sha256:1000", "LongSaltLongSaltLongSaltLongSalt", "pässwörd"),
]


def main():
    try:
        import werkzeug.security as ws
        from importlib.metadata import version

        werkzeug_version = version("werkzeug")
    except ImportError:
        ws = None
        werkzeug_version = None

    vectors = []
    for note, method, salt, password in CASES:
        encoded = f"{method}${salt}${derive(method, salt, password)}"
        also_accepted = ALSO_ACCEPTED.get(note, [])
        if ws is not None:
            assert ws.check_password_hash(encoded, password), note
            assert not ws.check_password_hash(encoded, password + "!"), note
            for other in also_accepted:
                assert ws.check_password_hash(encoded, other), (note, other)
        vector = {"note": note, "password": password, "encoded": encoded}
        if also_accepted:
            vector["also_accepted"] = also_accepted
        vectors.append(vector)

    out = {
        "generator": "internal/passhash/testdata/gen_vectors.py",
        "python": sys.version.split()[0],
        "checked_with_werkzeug": werkzeug_version,
        "vectors": vectors,
    }
    json.dump(out, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
