"""TLS verification per backend scheme: https verified with the CA bundle, http fails closed."""

from __future__ import annotations

import ssl

from tui.api.transport import tls_context_for


def test_https_backends_use_httpx_default_verification() -> None:
    assert tls_context_for("https://ninja.example/backend-api") is True


def test_http_backends_get_a_context_that_verifies_but_trusts_nothing() -> None:
    context = tls_context_for("http://127.0.0.1:7999/backend-api")
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname
    # No CA loaded: a stray https request would be refused, never sent unverified.
    assert context.cert_store_stats()["x509_ca"] == 0
