"""A Redis master, a replica and three Sentinels watching them, as private processes on free
ports: what a production Redis with Sentinel looks like, small enough to fail over in a test."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import redis

MASTER_NAME = "ecuapass"
# Sentinels agree that the master is down after this long without an answer: short, so that a
# failover takes about two seconds in a test (production keeps Redis's default of 30 s or so).
DOWN_AFTER_MS = 1000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for_port(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"redis-server on {port} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"redis-server did not start on {port}")


def _binary() -> str:
    found = shutil.which("redis-server")
    assert found, "redis-server must be installed (scripts/services.sh installs it)"
    return found


@dataclass
class SentinelGroup:
    directory: Path
    master_port: int = field(default_factory=_free_port)
    replica_port: int = field(default_factory=_free_port)
    sentinel_ports: list[int] = field(default_factory=lambda: [_free_port() for _ in range(3)])
    processes: dict[int, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def sentinels_setting(self) -> str:
        """REDIS_SENTINELS for the API."""
        return ",".join(f"127.0.0.1:{port}" for port in self.sentinel_ports)

    def _data_server(self, port: int, *extra: str) -> None:
        directory = self.directory / str(port)
        directory.mkdir(exist_ok=True)
        process = subprocess.Popen(
            [
                _binary(),
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(directory),
                *extra,
            ],
            stdout=subprocess.DEVNULL,
        )
        self.processes[port] = process
        _wait_for_port(port, process)

    def _sentinel(self, port: int) -> None:
        # Sentinel rewrites its configuration file (what it learnt of replicas and peers).
        config = self.directory / f"sentinel-{port}.conf"
        config.write_text(
            f"port {port}\nbind 127.0.0.1\ndir {self.directory}\n"
            f"sentinel monitor {MASTER_NAME} 127.0.0.1 {self.master_port} 2\n"
            f"sentinel down-after-milliseconds {MASTER_NAME} {DOWN_AFTER_MS}\n"
            f"sentinel failover-timeout {MASTER_NAME} 10000\n"
            f"sentinel parallel-syncs {MASTER_NAME} 1\n"
        )
        process = subprocess.Popen(
            [_binary(), str(config), "--sentinel"], stdout=subprocess.DEVNULL
        )
        self.processes[port] = process
        _wait_for_port(port, process)

    def start(self) -> None:
        self._data_server(self.master_port)
        self._data_server(self.replica_port, "--replicaof", "127.0.0.1", str(self.master_port))
        for port in self.sentinel_ports:
            self._sentinel(port)
        self.wait_until_ready()

    def sentinel(self, port: int | None = None) -> redis.Redis:
        return redis.Redis(port=port or self.sentinel_ports[0], decode_responses=True)

    def master_address(self) -> tuple[str, int]:
        with self.sentinel() as client:
            host, port = client.sentinel_get_master_addr_by_name(MASTER_NAME)
        return str(host), int(port)

    def wait_until_ready(self, timeout: float = 30) -> None:
        """Until the replica is in sync and every Sentinel knows the replica and its peers: only
        then can they agree on a failover."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._ready():
                return
            time.sleep(0.1)
        raise RuntimeError("the Sentinels did not see the replica and each other in time")

    def _ready(self) -> bool:
        try:
            with redis.Redis(port=self.replica_port, decode_responses=True) as replica:
                if replica.info("replication").get("master_link_status") != "up":
                    return False
            for port in self.sentinel_ports:
                with self.sentinel(port) as client:
                    state = client.sentinel_master(MASTER_NAME)
                    if int(state["num-slaves"]) < 1 or int(state["num-other-sentinels"]) < 2:
                        return False
        except redis.RedisError:
            return False
        return True

    def kill(self, port: int) -> None:
        process = self.processes.pop(port)
        process.kill()
        process.wait()

    def wait_for_new_master(self, old: tuple[str, int], timeout: float = 30) -> tuple[str, int]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            current = self.master_address()
            if current != old:
                with redis.Redis(host=current[0], port=current[1]) as master:
                    if master.info("replication").get("role") == "master":
                        return current
            time.sleep(0.1)
        raise RuntimeError("no Sentinel failover happened in time")

    def stop(self) -> None:
        for port in list(self.processes):
            self.kill(port)
