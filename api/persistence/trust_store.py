"""The certification authorities a signed agreement must chain to: the folder named by the setting
`SIGNATURE_CA_DIR` (Ecuador's accredited CAs in production, a test CA in the tests).

Every `*.pem`, `*.crt` and `*.cer` file directly in the folder is read, in name order. A PEM file
may hold several certificates (a CA bundle): each is returned on its own. A file without PEM
armor is taken as one DER certificate, the form in which CAs often publish `.crt` and `.cer`
files. The bytes are not parsed here: `api.domain.signatures` skips what is not a certificate.

The folder is read again only when it changes: the cache is keyed by the folder and by the name,
size and modification time of each file in it, so a CA added or removed while the service runs is
seen at the next signature, at the cost of one directory listing per call.
A missing folder gives no anchors, and then every signature is refused as UNTRUSTED_CERTIFICATE.
"""

from __future__ import annotations

import functools
import logging
import re
from pathlib import Path
from typing import Final

log = logging.getLogger("api.trust_store")

ANCHOR_SUFFIXES: Final = frozenset({".pem", ".crt", ".cer"})
_PEM_CERTIFICATE: Final = re.compile(
    rb"-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]*-----END CERTIFICATE-----"
)
_PEM_ARMOR: Final = b"-----BEGIN"

# (file name, size, modification time in ns) of each anchor file: the cache key's fingerprint.
_Snapshot = tuple[tuple[str, int, int], ...]


def load_trust_anchors(directory: Path) -> tuple[bytes, ...]:
    """The CA certificates in `directory`, one PEM block or DER file per item."""
    snapshot = _snapshot(directory)
    if snapshot is None:
        return ()
    return _read_anchors(directory, snapshot)


def _anchor_files(directory: Path) -> list[Path]:
    return sorted(
        path
        for path in directory.iterdir()
        if path.suffix.lower() in ANCHOR_SUFFIXES and path.is_file()
    )


def _snapshot(directory: Path) -> _Snapshot | None:
    try:
        files = _anchor_files(directory)
        return tuple(
            (path.name, stat.st_size, stat.st_mtime_ns) for path in files for stat in [path.stat()]
        )
    except (FileNotFoundError, NotADirectoryError):
        return None


@functools.lru_cache(maxsize=16)
def _read_anchors(directory: Path, snapshot: _Snapshot) -> tuple[bytes, ...]:
    anchors: list[bytes] = []
    for name, _size, _mtime in snapshot:
        try:
            data = (directory / name).read_bytes()
        except OSError as error:
            log.warning("trust anchor %s not read: %s", directory / name, error)
            continue
        anchors.extend(split_certificates(data))
    return tuple(anchors)


def split_certificates(data: bytes) -> list[bytes]:
    """Each PEM certificate of a file, or the whole file when it holds no PEM armor (DER)."""
    if _PEM_ARMOR not in data:
        return [data] if data else []
    return [match.group(0) + b"\n" for match in _PEM_CERTIFICATE.finditer(data)]
