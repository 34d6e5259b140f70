"""Entry point of the bundled app: the file PyInstaller freezes (packaging/hrdesk.spec).

It runs the ordinary command line (``hrdesk.cli.main``: no command starts the desktop
app), so the bundle behaves exactly like ``pip install hrdesk``.

One developer hook is kept in the bundle, because nothing else can see inside a frozen
program: with ``HRDESK_STARTUP_PROBE=1`` in the environment and ``VAULT SETTINGS
[LANGUAGE]`` as arguments, it builds the desktop app the way ``hrdesk gui`` does, runs
the event loop until the unlock screen has been painted, prints one line
``HRDESK-PROBE {json}`` (timings and what the app found: fonts, Qt's translations, the
platform plugin, CA certificates) and exits. packaging/bench_bundle.py times cold
starts with it and the smoke test (tests/test_packaging.py) checks what it reports.
The same file runs from a source checkout (``python packaging/launcher.py``), so both
are measured the same way.
"""

from __future__ import annotations

import os
import sys
import time

PROBE_ENV = "HRDESK_STARTUP_PROBE"
PROBE_MARKER = "HRDESK-PROBE"
PROBE_TIMEOUT_S = 60.0


def startup_probe(argv: list[str], started: float) -> int:
    import json
    from pathlib import Path

    from PySide6.QtCore import (
        QCoreApplication,
        QEvent,
        QEventLoop,
        QLibraryInfo,
        QObject,
        QTimer,
    )
    from PySide6.QtGui import QFontDatabase, QGuiApplication

    from hrdesk.gui.app import App
    from hrdesk.resources import resource_path
    from hrdesk.store.vault import DB_NAME

    marks = {"started": started, "imports": time.monotonic()}
    vault_path, settings_path = Path(argv[0]), Path(argv[1])
    language = argv[2] if len(argv) > 2 else None
    if not (vault_path / DB_NAME).is_file():
        print(f"{vault_path} is not a vault: the probe needs one to unlock", file=sys.stderr)
        return 2

    class PaintSeen(QObject):
        painted = False

        def eventFilter(self, watched, event) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.painted = True
            return False

    app = App(vault_path, settings_path, language)
    window, page = app.window, app.window.unlock_page
    marks["built"] = time.monotonic()
    seen = PaintSeen()
    page.installEventFilter(seen)
    heartbeat = QTimer()  # wakes the loop so that the time-out below is seen
    heartbeat.start(20)
    window.show()
    flags = QEventLoop.ProcessEventsFlag.AllEvents | QEventLoop.ProcessEventsFlag.WaitForMoreEvents
    while not (seen.painted and window.stack.currentWidget() is page and page.isVisible()):
        if time.monotonic() - started > PROBE_TIMEOUT_S:
            print("the unlock screen was never painted", file=sys.stderr)
            return 1
        app.qapp.processEvents(flags)
    marks["painted"] = time.monotonic()
    import ssl  # after the timing: not part of a start

    report = {
        "marks": marks,
        "frozen": bool(getattr(sys, "frozen", False)),
        "platform": QGuiApplication.platformName(),
        "bundled_fonts": len(list(resource_path("fonts").glob("*.ttf"))),
        "noto_families": sorted(f for f in QFontDatabase.families() if f.startswith("Noto")),
        "qt_translations_dir": QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath),
        # Qt's own text for a stock button: translated only if qtbase_<lang>.qm was loaded.
        "qt_cancel": QCoreApplication.translate("QPlatformTheme", "Cancel"),
        "right_to_left": app.qapp.isRightToLeft(),
        # CA certificates the bundled OpenSSL found (HTTPS for sync): 0 means none.
        "ca_certificates": ssl.create_default_context().cert_store_stats()["x509_ca"],
    }
    print(PROBE_MARKER + " " + json.dumps(report, ensure_ascii=False), flush=True)
    app.close()
    return 0


def main() -> int:
    started = time.monotonic()
    if os.environ.get(PROBE_ENV) == "1":
        return startup_probe(sys.argv[1:], started)
    from hrdesk.cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
