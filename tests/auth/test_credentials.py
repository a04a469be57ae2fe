"""The token in the keyring, with plain-words failures and no plaintext fallback."""

from collections.abc import Iterator

import keyring
import pytest

from tests.keyrings import DiscardingKeyring, MemoryKeyring, NoKeyring
from tui.auth import credentials

ACCOUNT = "http://127.0.0.1:7999/backend-api"


@pytest.fixture
def use_backend() -> Iterator[object]:
    previous = keyring.get_keyring()

    def install(backend: keyring.backend.KeyringBackend) -> None:
        keyring.set_keyring(backend)

    yield install
    keyring.set_keyring(previous)


def test_save_load_delete(use_backend) -> None:  # type: ignore[no-untyped-def]
    memory = MemoryKeyring()
    use_backend(memory)
    assert credentials.load_token(ACCOUNT) is None
    credentials.save_token(ACCOUNT, "tok-123")
    assert memory.store[(credentials.SERVICE, ACCOUNT)] == "tok-123"
    assert credentials.load_token(ACCOUNT) == "tok-123"
    assert credentials.delete_token(ACCOUNT) is True
    assert credentials.delete_token(ACCOUNT) is False


def test_no_keyring_is_explained(use_backend) -> None:  # type: ignore[no-untyped-def]
    use_backend(NoKeyring())
    with pytest.raises(credentials.KeyringUnavailable, match="OPENAI_ACCESS_TOKEN"):
        credentials.load_token(ACCOUNT)
    with pytest.raises(credentials.KeyringUnavailable) as caught:
        credentials.save_token(ACCOUNT, "tok-secret")
    assert "tok-secret" not in str(caught.value)


def test_discarding_backend_is_detected(use_backend) -> None:  # type: ignore[no-untyped-def]
    use_backend(DiscardingKeyring())
    with pytest.raises(credentials.KeyringUnavailable, match="did not keep"):
        credentials.save_token(ACCOUNT, "tok-123")
