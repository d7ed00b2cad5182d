"""Errors a user can act on; anything else is a bug."""


class UserError(Exception):
    """Bad input or an impossible request: one clear line for the user, exit code 2."""


class StaleEditError(UserError):
    """Someone else changed the record since it was read; the edit was not applied."""


class DatabaseError(UserError):
    """The database file cannot be used (not ours, too new, unreadable); it was left untouched."""
