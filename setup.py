"""Build hook: compile the translations into the package (hrdesk/locale/*.mo).

Everything else about the package is in pyproject.toml. A source checkout runs
without this step (the .po files are compiled in memory at start-up); an
installed wheel or a bundled app carries the compiled catalogs.
"""

from __future__ import annotations

import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithCatalogs(build_py):
    def run(self) -> None:
        super().run()
        root = Path(__file__).resolve().parent
        sys.path.insert(0, str(root))  # the compiler is the app's own (needs only babel)
        from hrdesk.i18n.catalogs import compile_tree

        compile_tree(root / "translations", Path(self.build_lib) / "hrdesk" / "locale")


setup(cmdclass={"build_py": BuildWithCatalogs})
