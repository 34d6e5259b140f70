"""What hrdesk asks of the operating system for its own process, first thing at start.

hrdesk holds the vault's raw key, passphrases and decrypted records in memory. A
crash that wrote a core file would put them on disk in plain text, outside the vault,
where nothing hrdesk does (locking, deleting, backups) reaches them; systemd-coredump
and apport keep such files for days.

- ``RLIMIT_CORE`` 0 (soft and hard, so no child or library raises it again): no core
  file, on Linux and macOS.
- On Linux also ``PR_SET_DUMPABLE`` 0. The limit alone is not enough there: when the
  kernel pipes core dumps to a helper (``core_pattern`` starting with ``|``, as
  systemd-coredump and apport do), it ignores ``RLIMIT_CORE`` and leaves the choice to
  the helper; a process that is not dumpable is never dumped at all. It also stops
  other programs of the same user from attaching a debugger to hrdesk (ptrace) and
  from reading its ``/proc/<pid>/environ`` (where ``HRDESK_PASSPHRASE`` may be) and
  ``/proc/<pid>/mem``: what a tool holding keys wants. It does not touch hrdesk
  itself, which still reads its own ``/proc/self``; Qt (the desktop app, on xcb or
  Wayland) and the PyInstaller bundle (one folder: the process that runs Python is
  the one started) work as before, and programs hrdesk starts are dumpable again
  (the flag does not survive ``exec``). Developers who need a debugger start hrdesk
  under it instead of attaching to it.

Windows writes no core files unless set up to (Windows Error Reporting's LocalDumps);
nothing is done there.
"""

from __future__ import annotations

import contextlib
import ctypes
import sys

PR_SET_DUMPABLE = 4  # <linux/prctl.h>


def disable_core_dumps() -> None:
    """No core dump of this process, whatever happens to it (best effort, never fails)."""
    try:
        import resource
    except ImportError:  # Windows
        return
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
