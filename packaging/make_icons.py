"""Render hrdesk's icon (packaging/icons/hrdesk.svg) into the files each OS wants.

    QT_QPA_PLATFORM=offscreen python packaging/make_icons.py

Writes, next to the drawing (the results are committed, so a build needs nothing but
PyInstaller):
- ``png/hrdesk-<N>.png`` for N in 16…512: the Linux hicolor theme sizes;
- ``hrdesk.ico`` (Windows: 16…256, PNG-compressed entries, as Windows Vista and later read);
- ``hrdesk.icns`` (macOS: 16…1024, PNG entries);
- and the window icon's sizes (16…256) into ``hrdesk/resources/icons``, where the
  running app finds them in any installation (gui/app.py).

Qt's own SVG renderer draws them (PySide6-Essentials has QtSvg), and both containers are
written by hand: they are a header, a table and the PNG files, nothing more.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parent / "icons"
APP_ICONS = Path(__file__).resolve().parent.parent / "hrdesk" / "resources" / "icons"
WINDOW_SIZES = (16, 32, 48, 64, 128, 256)
SVG = ICONS / "hrdesk.svg"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)  # hicolor theme folders
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS entry types, each a PNG of the given pixel size (the @2x types share sizes).
ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"icp6", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic09", 512),
    (b"ic10", 1024),
    (b"ic11", 32),
    (b"ic12", 64),
    (b"ic13", 256),
    (b"ic14", 512),
)


def render(size: int) -> bytes:
    """The drawing as a PNG of size × size pixels."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"cannot read {SVG}")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data)


def ico(pngs: dict[int, bytes]) -> bytes:
    """ICONDIR, one ICONDIRENTRY per size (0 means 256), then the PNG files."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries, images = b"", b""
    for size in sizes:
        data = pngs[size]
        side = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset)
        images += data
        offset += len(data)
    return header + entries + images


def icns(pngs: dict[int, bytes]) -> bytes:
    """'icns', total length, then (type, length including these 8 bytes, PNG) entries."""
    body = b"".join(
        kind + struct.pack(">I", len(pngs[size]) + 8) + pngs[size] for kind, size in ICNS_TYPES
    )
    return b"icns" + struct.pack(">I", len(body) + 8) + body


def main() -> int:
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv)
    sizes = sorted({*PNG_SIZES, *ICO_SIZES, *(size for _kind, size in ICNS_TYPES)})
    pngs = {size: render(size) for size in sizes}
    (ICONS / "png").mkdir(exist_ok=True)
    for size in PNG_SIZES:
        (ICONS / "png" / f"hrdesk-{size}.png").write_bytes(pngs[size])
    for size in WINDOW_SIZES:
        (APP_ICONS / f"hrdesk-{size}.png").write_bytes(pngs[size])
    (ICONS / "hrdesk.ico").write_bytes(ico({size: pngs[size] for size in ICO_SIZES}))
    (ICONS / "hrdesk.icns").write_bytes(icns(pngs))
    print(f"wrote {len(PNG_SIZES)} PNG files, hrdesk.ico and hrdesk.icns in {ICONS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
