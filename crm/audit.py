"""Who is at the terminal, and the stamp every change carries."""

import getpass
import os

from crm.dates import utcnow


def author() -> str:
    """The login name of the person making a change ($CRM_AUTHOR overrides, for shared accounts)."""
    name = os.environ.get("CRM_AUTHOR")
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def created() -> dict[str, object]:
    """Audit fields for a new row."""
    now, who = utcnow(), author()
    return {"created_at": now, "created_by": who, "updated_at": now, "updated_by": who}


def updated() -> dict[str, object]:
    """Audit fields for a changed row."""
    return {"updated_at": utcnow(), "updated_by": author()}
