"""What is wrong with the user's settings, said once at start: unknown keymap ids, key names
Textual cannot match, and unknown settings (:attr:`tui.config.Settings.warnings`).

Textual's ``set_keymap`` ignores an id no binding has and a key no terminal sends, without a
word (checked on Textual 8.2.8), so a typo in ``[keymap]`` looked like a key that does not work.
The app still starts: the warning lists each problem so the user can fix the file.
"""

from __future__ import annotations

import importlib
import pkgutil
import unicodedata
from collections.abc import Iterable, Mapping
from functools import cache

from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import KEY_ALIASES, KEY_TO_UNICODE_NAME, REPLACED_KEYS, Keys

BINDING_PACKAGES = ("tui.screens", "tui.widgets")
"""Where the app's screens and widgets live: with the app's own, every binding is in them."""

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
"""The modifiers a key name may start with (``ctrl+shift+x``)."""

_NAMED_KEYS = frozenset(
    {key.value.rpartition("+")[2] for key in Keys}
    | set(KEY_ALIASES)
    | {"space", "enter", "tab", "newline"}
)
"""Names of keys that are not characters (escape, f5, pageup...), modifiers removed."""


def key_problem(key: str) -> str | None:
    """Why Textual would never match ``key`` (one key, e.g. ``ctrl+x``); None when it can."""
    key = key.strip()
    if not key:
        return "an empty key name"
    *modifiers, base = key.split("+")
    if not base or not all(modifiers):
        return f"{key!r} is not a key name (the + key is called plus)"
    unknown = [modifier for modifier in modifiers if modifier not in MODIFIERS]
    if unknown:
        return f"{key!r}: {unknown[0]!r} is not a modifier (ctrl, shift, alt, meta, super)"
    if _is_key(base):
        return None
    return f"{key!r} is not a key name (see the keys dialog, ?, for names such as pageup)"


def _is_key(base: str) -> bool:
    if len(base) == 1 or base in _NAMED_KEYS:
        return True
    # As Textual names characters (textual.keys, 8.2.8): "minus" is hyphen_minus, HYPHEN-MINUS.
    original = REPLACED_KEYS.get(base, base)
    name = KEY_TO_UNICODE_NAME.get(original, original.replace("_", " "))
    try:
        unicodedata.lookup(name.upper())
    except KeyError:
        return False
    return True


def usable_keymap(keymap: Mapping[str, str]) -> dict[str, str]:
    """``keymap`` without the key names Textual would never match: such a key replaced a
    binding's working one with nothing (Textual 8.2.8), so it is dropped and the binding keeps
    its default. An id left with no usable key is dropped; the start-up warning names each."""
    usable: dict[str, str] = {}
    for binding_id, keys in keymap.items():
        kept = [key.strip() for key in keys.split(",") if key_problem(key) is None]
        if kept:
            usable[binding_id] = ",".join(kept)
    return usable


def keymap_problems(keymap: Mapping[str, str], known_ids: Iterable[str]) -> list[str]:
    """One line per unknown binding id and per key name no terminal sends."""
    known = set(known_ids)
    problems: list[str] = []
    for binding_id, keys in keymap.items():
        if binding_id not in known:
            problems.append(f"keymap: no binding has the id {binding_id!r}")
            continue
        for key in keys.split(","):
            problem = key_problem(key)
            if problem is not None:
                problems.append(f"keymap {binding_id}: {problem}")
    return problems


def known_binding_ids(*owners: type[DOMNode]) -> frozenset[str]:
    """Every binding id of ``owners`` (the app's class) and of the screens and widgets.

    The dialogs' modules are otherwise imported only when first opened: every module of
    :data:`BINDING_PACKAGES` is imported here. Called only when the user has a keymap, after the
    first frame.
    """
    ids: set[str] = set(_package_ids())
    for owner in owners:
        ids.update(_ids_of(owner))
    return frozenset(ids)


@cache
def _package_ids() -> frozenset[str]:
    ids: set[str] = set()
    for package_name in BINDING_PACKAGES:
        package = importlib.import_module(package_name)
        for info in pkgutil.iter_modules(package.__path__, package_name + "."):
            module = importlib.import_module(info.name)
            for value in vars(module).values():
                if isinstance(value, type) and issubclass(value, DOMNode):
                    ids.update(_ids_of(value))
    return frozenset(ids)


def _ids_of(node_class: type[DOMNode]) -> set[str]:
    return {
        binding.id
        for binding in node_class.BINDINGS
        if isinstance(binding, Binding) and binding.id is not None
    }


def start_up_warning(
    settings_warnings: Iterable[str], keymap: Mapping[str, str], *owners: type[DOMNode]
) -> str:
    """The one warning shown at start ("" when all is well): each problem on its own line.

    ``owners``: classes with bindings outside the screens and widgets (the app's own class).
    """
    problems = list(settings_warnings)
    if keymap:
        problems.extend(keymap_problems(keymap, known_binding_ids(*owners)))
    return "\n".join(f"• {problem}" for problem in problems)
