"""Child process for test_two_programs: a second program on the same vault (as the
command line or a sync is beside the open desktop app), driven line by line on stdin.
It prints "ready" once unlocked, then answers:

    add TITLE    adds a case through the write path, prints its reference
    add_many N   adds N cases, prints "done"
    hold         opens a write transaction and keeps it, prints "held"
    release      ends it, prints "released"
    attach REF   starts adding 3 MiB of evidence to case REF, prints "writing" once the
                 first chunk is stored, waits for a line, then finishes and prints its id
"""

import io
import os
import sys
from pathlib import Path

from hrdesk.services import cases, evidence
from hrdesk.services.lookup import require_case
from hrdesk.store import vault


def _pause_once():
    paused = []

    def progress(_done: int) -> None:
        if not paused:
            paused.append(True)
            print("writing", flush=True)
            sys.stdin.readline()

    return progress


def main() -> None:
    session = vault.unlock(Path(sys.argv[1]), sys.argv[2])
    print("ready", flush=True)
    for line in sys.stdin:
        command, _, argument = line.strip().partition(" ")
        if command == "add":
            print(cases.add_case(session, {"title": argument})["ref"], flush=True)
        elif command == "add_many":
            for number in range(int(argument)):
                cases.add_case(session, {"title": f"second program {number}"})
            print("done", flush=True)
        elif command == "hold":
            session.conn.execute("BEGIN IMMEDIATE")
            print("held", flush=True)
        elif command == "attach":
            attachment = evidence.attach_stream(
                session,
                require_case(session, argument),
                io.BytesIO(os.urandom(3 << 20)),
                "slow.bin",
                progress=_pause_once(),
            )
            print(attachment["id"], flush=True)
        elif command == "release":
            session.conn.execute("ROLLBACK")
            print("released", flush=True)
    session.lock()


if __name__ == "__main__":
    main()
