"""A TCP proxy in the test process, to take a real service away from the API and give it back
(a "paused connection"), or to make it hang (connections open, nothing answered), without
stopping or stalling the service other tests use."""

from __future__ import annotations

import asyncio
import contextlib
from urllib.parse import urlsplit


class TcpProxy:
    def __init__(self, *, target_host: str, target_port: int) -> None:
        self.target_host = target_host
        self.target_port = target_port
        self.port = 0
        self.paused = False
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._flowing = asyncio.Event()
        self._flowing.set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.CancelledError):
            while data := await reader.read(65536):
                await self._flowing.wait()
                writer.write(data)
                await writer.drain()
        writer.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.paused:
            writer.close()
            return
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(
                self.target_host, self.target_port
            )
        except OSError:
            writer.close()
            return
        self._writers |= {writer, upstream_writer}
        await asyncio.gather(
            self._pipe(reader, upstream_writer), self._pipe(upstream_reader, writer)
        )
        self._writers -= {writer, upstream_writer}

    def pause(self) -> None:
        """Drop every open connection and refuse new ones."""
        self.paused = True
        for writer in list(self._writers):
            writer.close()
        self._writers.clear()

    def hang(self) -> None:
        """Keep every connection open and accept new ones, but pass nothing on: a server that
        stopped answering (a frozen host, a network that drops packets without a reset)."""
        self._flowing.clear()

    def resume(self) -> None:
        self.paused = False
        self._flowing.set()

    async def close(self) -> None:
        self.pause()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()


async def proxy_for_database(database_url: str) -> tuple[TcpProxy, str]:
    """A started proxy in front of the PostgreSQL that `database_url` names, and the same URL
    through the proxy."""
    url = urlsplit(database_url)
    proxy = TcpProxy(target_host=url.hostname or "127.0.0.1", target_port=url.port or 5432)
    await proxy.start()
    host = f"{url.hostname}:{url.port}" if url.port else url.hostname
    return proxy, database_url.replace(f"@{host}/", f"@127.0.0.1:{proxy.port}/")
