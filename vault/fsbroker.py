"""kombu's filesystem transport, made safe for a web process and a worker sharing one folder.

Upstream ``Channel._put`` creates the message file and then writes it, so a worker polling the folder
can open the file while it is still empty, fail to decode it and exit (kombu issue 1551). Here a
message is written under a temporary name in a sibling folder and renamed into place: ``os.replace``
is atomic within one file system, so a reader sees either no file or the whole message (no fsync:
this broker is for a single machine in development, where a crash may lose queued jobs). ``_get``
claims a message by renaming it too, so two workers never read the same one.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from queue import Empty
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.encoding import bytes_to_str, str_to_bytes
from kombu.utils.json import dumps, loads


class Channel(filesystem.Channel):
    def _staging_folder(self) -> str:
        folder = os.path.join(os.path.dirname(os.path.abspath(self.data_folder_out)), "staging")
        os.makedirs(folder, exist_ok=True)
        return folder

    def _put(self, queue, payload, **kwargs):
        name = f"{round(monotonic() * 1000):015d}_{uuid.uuid4()}.{queue}.msg"
        staged = os.path.join(self._staging_folder(), name)
        try:
            with open(staged, "wb") as f:
                f.write(str_to_bytes(dumps(payload)))
            os.replace(staged, os.path.join(self.data_folder_out, name))
        except OSError as exc:
            raise ChannelError(f"Cannot add message {name!r} to the queue folder") from exc

    def _get(self, queue):
        wanted = f"{queue}.msg"
        claim_folder = self._staging_folder()
        for name in sorted(os.listdir(self.data_folder_in)):
            if name.partition(".")[2] != wanted:
                continue
            claimed = os.path.join(claim_folder, f"claimed-{os.getpid()}-{name}")
            try:
                os.rename(os.path.join(self.data_folder_in, name), claimed)
            except OSError:
                continue  # another worker claimed it first
            try:
                with open(claimed, "rb") as f:
                    payload = f.read()
            finally:
                with contextlib.suppress(OSError):
                    os.remove(claimed)
            return loads(bytes_to_str(payload))
        raise Empty()


class Transport(filesystem.Transport):
    Channel = Channel


def register() -> None:
    TRANSPORT_ALIASES["filesystem"] = "vault.fsbroker:Transport"
