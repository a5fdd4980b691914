"""Storages that fail the way real disks do, for the fault tests."""
import errno
import os

from django.core.files.storage import FileSystemStorage


class FullDisk(FileSystemStorage):
    """Writes the first part of the file, then fails with ENOSPC, leaving a partial file as a real disk would."""

    def _save(self, name, content):
        full_path = self.path(name)
        os.makedirs(os.path.dirname(full_path), exist_ok=True)
        with open(full_path, "xb") as handle:
            handle.write(content.read(16))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), full_path)


class ReadOnlyDisk(FileSystemStorage):
    """A media folder remounted read-only (as root, chmod alone would not stop the writes)."""

    def _save(self, name, content):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), self.path(name))
