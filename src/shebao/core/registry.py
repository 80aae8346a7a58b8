"""Typed registries: how a lower layer learns what a higher one provides.

The core and the engine import no domain app. Where they need a domain's code (an item's
handler, a job kind, the reader of a person's records), the domain app registers it into a
registry from its ``AppConfig.ready()``, and the lower layer looks it up by key. Every such
extension point is one of the two classes below, typed by its key and by a ``Protocol`` (or
class) its entries satisfy, so mypy checks both the registration and the call.

- :class:`Registry` ``[K, T]``: one entry per key (item handlers, job kinds, resolvers).
- :class:`HookRegistry` ``[K, T]``: an ordered list of entries per key, where several apps add
  to one key's effect (completion hooks and eligibility checks of an item).

Invariants: a key holds one entry; registering a *different* entry under a taken key raises
:class:`AlreadyRegistered` (a wiring bug, found at start-up, never silently replaced), while
registering the very same object again is harmless, so ``ready()`` may run twice. Looking up a
key nobody registered raises :class:`NotRegistered` (a subclass may raise its own, more precise
error). Entries come back in registration order.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from typing import Generic, TypeVar, cast, overload

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")


class AlreadyRegistered(RuntimeError):
    """A key registered twice with different entries: a wiring bug, raised at start-up."""

    def __init__(self, registry: str, key: object, message: str = "") -> None:
        super().__init__(message or f"{registry}: {key!r} is already registered with another entry")
        self.registry = registry
        self.key = key


class NotRegistered(LookupError):
    """A key nobody registered."""

    def __init__(self, registry: str, key: object, message: str = "") -> None:
        super().__init__(message or f"{registry}: nothing is registered for {key!r}")
        self.registry = registry
        self.key = key


class Registry(Generic[K, T]):
    """Keys to typed entries, filled from ``AppConfig.ready()``.

    ``name`` says what the registry holds, in error messages. Subclasses may override
    :meth:`duplicate` and :meth:`missing` to raise an error of their own domain (a job kind
    asked for by name is bad input, not a wiring bug).
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._entries: dict[K, T] = {}

    @overload
    def register(self, key: K) -> Callable[[T], T]: ...

    @overload
    def register(self, key: K, entry: T) -> T: ...

    def register(self, key: K, entry: T | None = None) -> T | Callable[[T], T]:
        """``registry.register(key, entry)``, or as a decorator: ``@registry.register(key)``."""
        if entry is None:

            def decorator(decorated: T) -> T:
                return self._add(key, decorated)

            return decorator
        return self._add(key, entry)

    def _add(self, key: K, entry: T) -> T:
        known = self._entries.get(key)
        if known is not None and known is not entry:
            raise self.duplicate(key)
        self._entries[key] = entry
        return entry

    def unregister(self, key: K) -> None:
        """Remove a key's entry if there is one (tests that register their own entries)."""
        self._entries.pop(key, None)

    def get(self, key: K) -> T:
        """The entry registered for ``key``; :meth:`missing`'s error if there is none."""
        try:
            return self._entries[key]
        except KeyError:
            raise self.missing(key) from None

    def find(self, key: K) -> T | None:
        """The entry registered for ``key``, or None where having none is an answer."""
        return self._entries.get(key)

    def items(self) -> list[tuple[K, T]]:
        return list(self._entries.items())

    def keys(self) -> list[K]:
        return list(self._entries)

    def values(self) -> list[T]:
        return list(self._entries.values())

    def duplicate(self, key: K) -> Exception:
        return AlreadyRegistered(self.name, key)

    def missing(self, key: K) -> Exception:
        return NotRegistered(self.name, key)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __iter__(self) -> Iterator[K]:
        return iter(list(self._entries))

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}: {len(self)} entries>"


class HookRegistry(Generic[K, T]):
    """Keys to ordered entries: each app adds its own, and the caller runs them all in the
    order they were registered. Adding the same entry to a key twice keeps one; a key with no
    entries has none (a hook is optional, unlike a :class:`Registry` entry)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._entries: dict[K, list[T]] = {}

    @overload
    def register(self, key: K) -> Callable[[T], T]: ...

    @overload
    def register(self, key: K, entry: T) -> T: ...

    def register(self, key: K, entry: T | None = None) -> T | Callable[[T], T]:
        """``hooks.register(key, entry)``, or as a decorator: ``@hooks.register(key)``."""
        if entry is None:

            def decorator(decorated: T) -> T:
                return self._add(key, decorated)

            return decorator
        return self._add(key, entry)

    def _add(self, key: K, entry: T) -> T:
        entries = self._entries.setdefault(key, [])
        if not any(known is entry for known in entries):
            entries.append(entry)
        return entry

    def unregister(self, key: K, entry: T) -> None:
        entries = self._entries.get(key, [])
        self._entries[key] = [known for known in entries if known is not entry]

    def get(self, key: K) -> tuple[T, ...]:
        return tuple(self._entries.get(key, ()))

    def items(self) -> list[tuple[K, tuple[T, ...]]]:
        return [(key, tuple(entries)) for key, entries in self._entries.items() if entries]

    def __contains__(self, key: object) -> bool:
        return key in self._entries and bool(self._entries[cast(K, key)])

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}: {len(self.items())} keys>"
