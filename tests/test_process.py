"""hrdesk's own process: a program holding the vault's keys leaves no core dump.

The check runs in a child: the test process itself may already have called ``main``
(the ``cli`` fixture runs it in-process), and a core limit once lowered stays low.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

CHILD = """
import ctypes, json, resource, sys

# Start as a process allowed to dump core, whatever limit the shell gave.
soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))
from hrdesk.cli import main  # the entry point of `hrdesk`, `python -m hrdesk` and the bundle

try:
    main(["--version"])
except SystemExit:
    pass
found = {"rlimit": resource.getrlimit(resource.RLIMIT_CORE)}
if sys.platform.startswith("linux"):
    with open("/proc/self/limits") as limits:
        line = next(line for line in limits if line.startswith("Max core file size"))
    found["proc"] = line.split()[4:6]
    found["dumpable"] = ctypes.CDLL(None).prctl(3, 0, 0, 0, 0)  # PR_GET_DUMPABLE
print(json.dumps(found))
"""


def test_hrdesk_turns_core_dumps_off_for_its_own_process() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHILD],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[1],
    )

    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.splitlines()[-1])
    assert found["rlimit"] == [0, 0]
    if sys.platform.startswith("linux"):
        assert found["proc"] == ["0", "0"]  # "Max core file size 0 0"
        # Not dumpable: no core even through a core_pattern pipe (systemd-coredump,
        # apport), and no ptrace or /proc/<pid>/environ for other programs of the user.
        assert found["dumpable"] == 0
