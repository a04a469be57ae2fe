"""The access token in the OS keyring; nothing else.

keyring is imported lazily: its first backend discovery costs ~90 ms (docs/TEXTUAL-NOTES.md §5),
which must stay off the path to the first frame. Every keyring failure — no backend on a
headless box (NoKeyringError), a locked keyring, even a bad PYTHON_KEYRING_BACKEND value, which
raises ModuleNotFoundError — becomes :class:`KeyringUnavailable` with a plain-words message.
There is deliberately no plaintext-file fallback.
"""

from __future__ import annotations

from types import ModuleType

from tui.api.secret import Secret

SERVICE = "backchat"
"""The keyring service name; the account name is the backend URL, so each proxy has its own."""

NO_KEYRING_HELP = (
    "No OS keyring is available here, so backchat cannot store your token. "
    "Set OPENAI_ACCESS_TOKEN in your environment instead, or sign in each time."
)


class KeyringUnavailable(Exception):
    """The keyring cannot be used; ``str()`` says why in plain words (never the token)."""


def load_token(account: str) -> Secret | None:
    """The stored token for ``account`` (a backend URL), or None if none is stored."""
    keyring = _keyring()
    try:
        token = Secret.of(keyring.get_password(SERVICE, account))
    except Exception as error:
        raise _unavailable(error) from None
    return token or None


def token_or_stored(token: Secret | None, account: str) -> Secret | None:
    """``token`` (from the environment) when given, else the one stored for ``account``; None
    when there is neither or the keyring cannot be read (the shell commands' rule)."""
    if token:
        return token
    try:
        return load_token(account)
    except KeyringUnavailable:
        return None


def check_keyring(account: str) -> None:
    """Raise :class:`KeyringUnavailable` unless a keyring that keeps what it is given is there.

    Asked before the user types a token. Reading ``account`` touches the backend the way a save
    would (no backend, a locked keyring and a broken backend setting all fail here); keyring's
    null backend reads fine but drops every write, so it is refused by name.
    """
    keyring = _keyring()
    try:
        backend = keyring.get_keyring()
        keyring.get_password(SERVICE, account)
    except Exception as error:
        raise _unavailable(error) from None
    if type(backend).__module__ == "keyring.backends.null":
        raise KeyringUnavailable(
            "The OS keyring is set to keyring's null backend, which keeps nothing. "
            + NO_KEYRING_HELP
        )


def save_token(account: str, token: Secret | str) -> None:
    """Store ``token``; verify it reads back, since a null backend silently drops writes."""
    keyring = _keyring()
    secret = Secret.of(token)
    try:
        keyring.set_password(SERVICE, account, secret.reveal())
        stored = Secret.of(keyring.get_password(SERVICE, account))
    except Exception as error:
        raise _unavailable(error) from None
    if stored != secret:
        raise KeyringUnavailable(
            "The OS keyring did not keep the token (its backend discards writes). "
            + NO_KEYRING_HELP
        )


def delete_token(account: str) -> bool:
    """Remove the stored token; False when there was none."""
    keyring = _keyring()
    from keyring.errors import PasswordDeleteError

    try:
        keyring.delete_password(SERVICE, account)
    except PasswordDeleteError:
        return False
    except Exception as error:
        raise _unavailable(error) from None
    return True


def _keyring() -> ModuleType:
    try:
        import keyring
    except Exception as error:  # pragma: no cover - keyring is a dependency
        raise _unavailable(error) from None
    return keyring


def _unavailable(error: BaseException) -> KeyringUnavailable:
    name = type(error).__name__
    if name == "NoKeyringError":
        return KeyringUnavailable(NO_KEYRING_HELP)
    if name == "KeyringLocked":
        return KeyringUnavailable("The OS keyring is locked. Unlock it and try again.")
    # Only the exception's type: keyring messages can be long and say nothing useful to users.
    return KeyringUnavailable(f"The OS keyring failed ({name}). " + NO_KEYRING_HELP)
