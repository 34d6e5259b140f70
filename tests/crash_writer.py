"""Child process for test_crash: writes cases in a loop and acknowledges each
one on stdout only after its transaction committed. Killed with SIGKILL."""

import sys
from pathlib import Path

from hrdesk.services import cases
from hrdesk.store import vault


def main() -> None:
    path, passphrase, prefix = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    session = vault.unlock(path, passphrase)
    number = 0
    while True:
        number += 1
        title = f"{prefix}-{number}"
        case = cases.add_case(
            session,
            {
                "title": title,
                "summary": "written under fire " * 20,
                "people": [{"name": f"Person {title}", "role": "victim"}],
                "incidents": [
                    {
                        "date": "2026-01-01",
                        "violations": ["killing"],
                        "victims": [f"Person {title}"],
                    }
                ],
                "notes": [{"text": "note " * 50}],
            },
        )
        print(case["ref"], title, flush=True)
        if number % 3 == 0:
            # Checkpoints move pages from the WAL into the database: be killed there too.
            session.idle()


if __name__ == "__main__":
    main()
