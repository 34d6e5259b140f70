"""PyInstaller runtime hook: the bundled OpenSSL trusts this system's CA certificates.

The OpenSSL inside the bundle looks for certificates where the build machine keeps
them (Debian: /usr/lib/ssl). Another distribution keeps them elsewhere, and so does
macOS, so HTTPS (sync over WebDAV or S3) would refuse every server. Before hrdesk runs,
this points ``SSL_CERT_FILE`` at the first certificate bundle this system has, unless
the user set it (or ``SSL_CERT_DIR``). Windows needs nothing: Python reads its store.
"""

from __future__ import annotations

import os
import sys

CA_BUNDLES = (
    "/etc/ssl/certs/ca-certificates.crt",  # Debian, Ubuntu, Mint, Arch, Gentoo
    "/etc/pki/tls/certs/ca-bundle.crt",  # Fedora, RHEL, CentOS
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",  # newer Fedora, RHEL
    "/etc/ssl/ca-bundle.pem",  # openSUSE
    "/etc/ssl/cert.pem",  # macOS, Alpine, Void
)


def use_system_certificates(environ=os.environ, isfile=os.path.isfile) -> str | None:
    """The bundle chosen (and set in ``environ``), or None."""
    if sys.platform == "win32" or environ.get("SSL_CERT_FILE") or environ.get("SSL_CERT_DIR"):
        return None
    for path in CA_BUNDLES:
        if isfile(path):
            environ["SSL_CERT_FILE"] = path
            return path
    return None


use_system_certificates()
