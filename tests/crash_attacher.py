"""Child process for test_crash: attaches evidence files of random sizes to one case
in a loop, acknowledging each on stdout only after its record committed; every third
one is deleted again. Killed with SIGKILL at random moments (mid-blob, between the
blob and its record, between a deletion's record and its file)."""

import io
import os
import random
import sys
from pathlib import Path

from hrdesk.services import evidence
from hrdesk.services.lookup import require_case
from hrdesk.store import vault


def main() -> None:
    path, passphrase, ref, seed = Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    rng = random.Random(seed)
    session = vault.unlock(path, passphrase)
    case_id = require_case(session, ref)
    number = 0
    while True:
        number += 1
        data = os.urandom(rng.choice((0, 1_000, 300_000, 2_500_000)))
        attachment = evidence.attach_stream(
            session, case_id, io.BytesIO(data), f"{seed}-{number}.bin"
        )
        if number % 3 == 0:
            evidence.delete(session, attachment["id"], "kill loop")
            print("deleted", attachment["id"], flush=True)
        else:
            print("kept", attachment["id"], flush=True)


if __name__ == "__main__":
    main()
