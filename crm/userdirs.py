"""Rapport's folders in the user's home: settings, caches, the default database, the wizard's steam.

On Linux the XDG rule is applied here directly (what platformdirs does there, without the 6 ms its
import costs every command); elsewhere platformdirs knows the platform's places.
"""

import os
import sys
from pathlib import Path
from typing import Literal

APP_NAME = "rapport"
Kind = Literal["config", "cache", "data", "state"]
_XDG: dict[str, tuple[str, str]] = {
    "config": ("XDG_CONFIG_HOME", "~/.config"),
    "cache": ("XDG_CACHE_HOME", "~/.cache"),
    "data": ("XDG_DATA_HOME", "~/.local/share"),
    "state": ("XDG_STATE_HOME", "~/.local/state"),
}


def user_dir(kind: Kind) -> Path:
    """This user's `kind` folder for Rapport (not created here)."""
    if sys.platform.startswith("linux"):
        variable, default = _XDG[kind]
        base = os.environ.get(variable, "")
        return Path(base if os.path.isabs(base) else os.path.expanduser(default)) / APP_NAME
    import platformdirs

    find = {"config": platformdirs.user_config_dir, "cache": platformdirs.user_cache_dir,
            "data": platformdirs.user_data_dir, "state": platformdirs.user_state_dir}[kind]
    return Path(find(APP_NAME, appauthor=False))
