"""Database work off the UI thread.

`db_work` runs a plain core function in a thread worker with its own connection, then hands the
result to a callback on the UI thread. Failures never kill the app: a UserError, or a storage
failure a user can act on (a full disk, a busy or read-only database: `crm.db.storage_problem`,
the CLI's own words), becomes a visible notification with its message; anything else, in the job
or in the callback, an "Unexpected error" notification.
"""

import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from textual.dom import DOMNode
from textual.worker import Worker, get_current_worker

from crm.db import storage_problem
from crm.errors import UserError
from crm.i18n import _
from crm.models import database

T = TypeVar("T")


def db_work(
    node: DOMNode,
    fn: Callable[[], T],
    on_done: Callable[[T], Any] | None = None,
    *,
    group: str = "db",
    exclusive: bool = True,
    on_error: Callable[[str], Any] | None = None,
) -> Worker[None]:
    """Run `fn()` in a thread with its own connection; call `on_done(result)` on the UI thread.

    `exclusive` cancels the previous job of the same group (filter-as-you-type keeps only the last).
    `on_error(message)` is called for a UserError (e.g. to keep a form open); otherwise it is
    notified.
    """
    app = node.app

    def refused(message: str) -> None:
        if on_error is not None:
            on_error(message)
        else:
            app.notify(message, severity="error", markup=False)

    def unexpected(exc: Exception) -> None:
        if problem := storage_problem(exc):  # the CLI's words for it, a capital first
            refused(problem[:1].upper() + problem[1:])
            return
        message = _("Unexpected error: {error}").format(error=f"{type(exc).__name__}: {exc}")
        if on_error is not None:
            on_error(message)
        else:
            app.notify(message, severity="error", markup=False, timeout=10)

    async def deliver(result: T) -> None:
        """On the UI thread. A failing callback would otherwise die silently with the worker."""
        try:
            outcome = on_done(result)  # type: ignore[misc]
            if inspect.isawaitable(outcome):  # an async callback (the wizard's steps)
                await outcome
        except Exception as exc:
            unexpected(exc)

    def job() -> None:
        try:
            with database.connection_context():
                result = fn()
        except UserError as exc:
            app.call_from_thread(refused, str(exc))
            return
        except Exception as exc:  # never let a worker take the app down (docs/pitfalls.md)
            app.call_from_thread(unexpected, exc)
            return
        # A newer job of the same group cancelled this one: its result is stale, drop it.
        if on_done is not None and not get_current_worker().is_cancelled:
            app.call_from_thread(deliver, result)

    return node.run_worker(job, thread=True, group=group, exclusive=exclusive, exit_on_error=False)
