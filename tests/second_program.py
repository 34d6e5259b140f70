"""Child process for test_two_programs: a second program on the same vault (as the
command line or a sync is beside the open desktop app), driven line by line on stdin.
It prints "ready" once unlocked, then answers:

    add TITLE    adds a case through the write path, prints its reference
    add_many N   adds N cases, prints "done"
    hold         opens a write transaction and keeps it, prints "held"
    release      ends it, prints "released"
"""

import sys
from pathlib import Path

from hrdesk.services import cases
from hrdesk.store import vault


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
        elif command == "release":
            session.conn.execute("ROLLBACK")
            print("released", flush=True)
    session.lock()


if __name__ == "__main__":
    main()
