"""Event handler wrappers: the guard of protected pages, and the one place failures are caught.

`handles_errors` wraps a handler so that whatever it raises is shown by `AppState._fail` (a field
error, the page's error place or a toast, or a logged incident): handlers contain no `except
Exception` of their own. `guarded` is the same for a protected page's on_load, with the guard first.
Both work for handlers that return, handlers that yield, and background handlers (which must hold
the state to change it: the failure is shown inside `async with self`).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

from reflex.istate.proxy import StateProxy

from state.base import AppState


async def _updates(result: Any) -> AsyncIterator[Any]:
    """A handler's result as a stream of updates, whether it returned, yielded or awaited."""
    if inspect.isasyncgen(result):
        async for update in result:
            yield update
        return
    if inspect.isawaitable(result):
        result = await result
    if result is not None:
        yield result


def handles_errors(
    *, fields: Mapping[str, str] | None = None, on_failure: str = "", counted: bool = True
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`fields`: an AppError's field -> the var that shows it beside its input.
    `on_failure`: the name of a method, given the error, that puts the page right first (closes a
    dialog, reloads a list); it may be async, and may return an event to send (a focus).
    `counted`: the handler spends one request of the client's budget before it runs (every handler
    wrapped here calls a service). False only for a handler that spends it itself, at the point where
    it can say so better (the chat turn shows the wait beside the composer)."""

    def decorate(handler: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(handler)
        async def handled(self: AppState, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
            try:
                if counted:
                    await self._spend_request()
                async for update in _updates(handler(self, *args, **kwargs)):
                    yield update
            except Exception as error:  # noqa: BLE001 - the one place a handler's failure is caught
                if isinstance(self, StateProxy):
                    async with self:
                        shown = await _recover(self, error, fields, on_failure)
                else:
                    shown = await _recover(self, error, fields, on_failure)
                for update in shown:
                    yield update

        return handled

    return decorate


async def _recover(
    state: AppState, error: Exception, fields: Mapping[str, str] | None, on_failure: str
) -> list[Any]:
    """The page put right (`on_failure` may also return an event, e.g. a focus), then the error shown."""
    events = []
    if on_failure:
        outcome = getattr(state, on_failure)(error)
        if inspect.isawaitable(outcome):
            outcome = await outcome
        events.append(outcome)
    events.append(state._fail(error, fields))
    return [event for event in events if event is not None]


def guarded(loader: Callable[..., Any]) -> Callable[..., Any]:
    """A protected page's on_load: the guard first; the loader runs only when the guard admits.

    One event instead of a chain, so a refused guard (sign-in or billing redirect) is the whole answer."""

    @functools.wraps(loader)
    async def admitted_then_load(self: AppState, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        refusal = await self._admit()
        if refusal is not None:
            yield refusal
            return
        async for update in _updates(loader(self, *args, **kwargs)):
            yield update

    return handles_errors()(admitted_then_load)
