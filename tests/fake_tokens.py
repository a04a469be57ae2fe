"""Made-up, JWT-shaped tokens for redaction tests, built at run time.

They are shaped like real access tokens (base64url header.payload.signature) so the
redaction code is exercised on what it must catch, but nothing here is a real credential.
"""

from __future__ import annotations

import base64
import json


def _part(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def fake_jwt(payload: str, signature: str = "not-a-real-signature", alg: str = "HS256") -> str:
    """A token that looks like a JWT and decodes to ``payload``; never a real credential."""
    header = _part(json.dumps({"alg": alg}, separators=(",", ":")).encode())
    return f"{header}.{_part(payload.encode())}.{signature}"
