"""Build hook: compile the translations into the package (hrdesk/locale/*.mo).

Everything else about the package is in pyproject.toml. A source checkout runs
without this step (the .po files are compiled in memory at start-up); an
installed wheel or a bundled app carries the compiled catalogs.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithCatalogs(build_py):
    def run(self) -> None:
        super().run()
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        source = Path(__file__).resolve().parent / "translations"
        for po in sorted(source.glob("*/LC_MESSAGES/hrdesk.po")):
            target = Path(self.build_lib) / "hrdesk" / "locale" / po.relative_to(source)
            target = target.with_suffix(".mo")
            target.parent.mkdir(parents=True, exist_ok=True)
            with po.open("rb") as handle:
                catalog = read_po(handle)
            with target.open("wb") as out:
                write_mo(out, catalog, use_fuzzy=False)


setup(cmdclass={"build_py": BuildWithCatalogs})
