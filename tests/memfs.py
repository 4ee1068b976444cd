"""A small in-memory Beam filesystem (``memfs://``) standing in for gs:// in tests.

Importing this module registers the scheme with Beam (``FileSystems`` finds every
``FileSystem`` subclass by its ``scheme()``).  Like an object store it has no folders: a
path is a key, a "folder" is a key prefix, and ``match`` lists by prefix.  Everything
lives in one class-level dict, because ``FileSystems`` makes a new instance per call;
``MemoryFileSystem.clear()`` empties it between tests.

Beam's own tests keep an in-memory filesystem too, but not in the installed package, so
this is ours: only what news-ingest calls (open/create/match/exists/rename/delete ...), each
answering as Beam's GCS filesystem does (``delete`` above all: a folder goes only with a trailing "/").
"""
from __future__ import annotations

import io
import posixpath
import time

from apache_beam.io.filesystem import BeamIOError, CompressedFile, CompressionTypes, FileMetadata, FileSystem

SCHEME = "memfs"


class _WriteBuffer(io.BytesIO):
    """Bytes written to it become the object at ``path`` on close, like an upload."""

    def __init__(self, path: str):
        super().__init__()
        self._path = path

    def close(self):
        if not self.closed:
            MemoryFileSystem.files[self._path] = (self.getvalue(), time.time())
        super().close()


class MemoryFileSystem(FileSystem):
    files: dict[str, tuple[bytes, float]] = {}

    @classmethod
    def scheme(cls):
        return SCHEME

    @classmethod
    def clear(cls):
        cls.files.clear()

    @classmethod
    def put(cls, path: str, data: bytes):
        cls.files[path] = (data, time.time())

    def join(self, basepath, *paths):
        return posixpath.join(basepath, *paths)

    def split(self, path):
        return tuple(path.rsplit("/", 1)) if "/" in path[len(SCHEME) + 3:] else (path, "")

    def mkdirs(self, path):
        pass  # no folders, as on gs://

    def has_dirs(self):
        return False

    def _list(self, dir_or_prefix):
        for path, (data, mtime) in list(self.files.items()):
            if path.startswith(dir_or_prefix):
                yield FileMetadata(path, len(data), mtime)

    def create(self, path, mime_type="application/octet-stream", compression_type=CompressionTypes.AUTO):
        handle = _WriteBuffer(path)
        compression = CompressionTypes.detect_compression_type(path) \
            if compression_type == CompressionTypes.AUTO else compression_type
        if compression == CompressionTypes.UNCOMPRESSED:
            return handle
        return CompressedFile(handle, compression)

    def open(self, path, mime_type="application/octet-stream", compression_type=CompressionTypes.AUTO):
        if path not in self.files:
            raise BeamIOError("open failed", {path: FileNotFoundError(path)})
        handle = io.BytesIO(self.files[path][0])
        compression = CompressionTypes.detect_compression_type(path) \
            if compression_type == CompressionTypes.AUTO else compression_type
        if compression == CompressionTypes.UNCOMPRESSED:
            return handle
        return CompressedFile(handle, compression)

    def copy(self, source_file_names, destination_file_names):
        for source, destination in zip(source_file_names, destination_file_names):
            self.files[destination] = self.files[source]

    def rename(self, source_file_names, destination_file_names):
        for source, destination in zip(source_file_names, destination_file_names):
            self.files[destination] = self.files.pop(source)

    def exists(self, path):
        # Only objects exist; a "folder" (a key prefix) does not, which is how gs:// answers too.
        return path in self.files

    def size(self, path):
        return len(self.files[path][0])

    def last_updated(self, path):
        return self.files[path][1]

    def checksum(self, path):
        return str(hash(self.files[path][0]))

    def metadata(self, path):
        data, mtime = self.files[path]
        return FileMetadata(path, len(data), mtime)

    def delete(self, paths):
        # As Beam's GCS filesystem does (gcsfilesystem.delete): a path ending in "/" deletes every
        # object under that prefix; any other path is matched as it is (an exact name, or a glob)
        # and only the objects it matches are deleted.  A "folder" named without the "/" matches
        # no object, so nothing is deleted, and nothing matched is no error, as on gs://.
        for path in paths:
            if path.endswith("/"):
                doomed = [p for p in self.files if p.startswith(path)]
            else:
                doomed = [meta.path for meta in self.match([path])[0].metadata_list]
            for p in doomed:
                del self.files[p]
