"""Where sync files go: a folder, a WebDAV server or S3 storage, and this device's name.

The form turns what the user typed into the address and options of
``hrdesk.sync.remote``. Passwords and secret keys go only to the service (which
keeps them inside the encrypted vault); the form forgets them once used.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QWidget,
)

from hrdesk.core.errors import ValidationError
from hrdesk.gui.widgets import Form
from hrdesk.i18n import _

KINDS = ("folder", "webdav", "s3")
_SECRETS = ("password", "secret_key")


class LocationForm(Form):
    def __init__(self, parent: QWidget | None = None, with_label: bool = True) -> None:
        super().__init__(parent)
        add = self.add
        self.kind = add("kind", _("&Kind of place"), QComboBox(self))
        for text, kind in (
            (_("A folder (USB stick, network share, Syncthing or Nextcloud folder)"), "folder"),
            (_("A WebDAV server (Nextcloud, ownCloud)"), "webdav"),
            (_("S3-compatible storage (MinIO, Garage, Ceph, AWS)"), "s3"),
        ):
            self.kind.addItem(text, kind)
        folder_row = QWidget(self)
        row = QHBoxLayout(folder_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.path = QLineEdit(folder_row)
        self.path.setAccessibleName(_("Folder"))
        self.browse = QPushButton(_("C&hoose…"), folder_row)
        row.addWidget(self.path, 1)
        row.addWidget(self.browse)
        folder_row.setFocusProxy(self.path)
        self.folder_row = add("path", _("&Folder"), folder_row)
        self.url = add("url", _("Server &address"), QLineEdit(self))
        self.url.setPlaceholderText("https://cloud.example.org/remote.php/dav/files/me/hrdesk")
        self.username = add("username", _("&User name"), QLineEdit(self))
        self.password = add("password", _("&Password"), QLineEdit(self))
        self.bucket = add("bucket", _("&Bucket"), QLineEdit(self))
        self.prefix = add("prefix", _("Folder in the bucket (&optional)"), QLineEdit(self))
        self.endpoint = add("endpoint", _("&Endpoint"), QLineEdit(self))
        self.endpoint.setPlaceholderText("https://s3.example.org")
        self.region = add("region", _("&Region (optional)"), QLineEdit(self))
        self.access_key = add("access_key", _("&Access key"), QLineEdit(self))
        self.secret_key = add("secret_key", _("&Secret key"), QLineEdit(self))
        for secret in (self.password, self.secret_key):
            secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.label: QLineEdit | None = None
        if with_label:
            self.label = add("label", _("&Name of this device"), QLineEdit(self))
            self.label.setPlaceholderText(_("for example: Office laptop"))
        self._by_kind = {
            "folder": (self.folder_row,),
            "webdav": (self.url, self.username, self.password),
            "s3": (
                self.bucket,
                self.prefix,
                self.endpoint,
                self.region,
                self.access_key,
                self.secret_key,
            ),
        }
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.browse.clicked.connect(self._choose_folder)
        self._kind_changed()

    def _kind_changed(self) -> None:
        chosen = self.kind.currentData()
        for kind, widgets in self._by_kind.items():
            for widget in widgets:
                self.layout_.setRowVisible(widget, kind == chosen)
        self.clear_errors()

    def set_kind(self, kind: str) -> None:
        self.kind.setCurrentIndex(max(self.kind.findData(kind), 0))

    def _choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, _("Folder for sync files"))
        if chosen:
            self.path.setText(chosen)

    # -- reading it ------------------------------------------------------------------------------

    def _required(self, path: str, widget: QLineEdit) -> str:
        text = widget.text().strip()
        if not text:
            raise ValidationError(path, _("is required"))
        return text

    def device_label(self) -> str:
        assert self.label is not None
        return self._required("label", self.label)

    def location(self) -> tuple[str, dict[str, str]]:
        """The address and options for ``services.sync.setup``; raises ValidationError."""
        kind = self.kind.currentData()
        if kind == "folder":
            return self._required("path", self.path), {}
        if kind == "webdav":
            url = self._required("url", self.url)
            parts = urlsplit(url if "://" in url else "https://" + url)
            scheme = {"https": "webdavs", "http": "webdav"}.get(
                parts.scheme.lower(), parts.scheme.lower()
            )
            if scheme not in ("webdav", "webdavs") or not parts.hostname:
                raise ValidationError("url", _("is not a web address (https://…)"))
            address = urlunsplit((scheme, parts.netloc, parts.path, "", ""))
            options = {"username": self.username.text().strip(), "password": self.password.text()}
            return address, options
        bucket = self._required("bucket", self.bucket).strip("/")
        prefix = self.prefix.text().strip().strip("/")
        options = {
            "endpoint": self._required("endpoint", self.endpoint),
            "region": self.region.text().strip(),
            "access_key": self._required("access_key", self.access_key),
            "secret_key": self._required("secret_key", self.secret_key),
        }
        return f"s3://{bucket}/{prefix}" if prefix else f"s3://{bucket}", options

    def forget_secrets(self) -> None:
        for widget in (self.password, self.secret_key):
            widget.clear()

    def reset(self) -> None:
        for widget in self.findChildren(QLineEdit):
            widget.clear()
        self.clear_errors()
