"""A weak network made of kernel parts, for tests: 300 ms round trip, loss, low rate.

Three network namespaces made for one test run (names carry the pid, so parallel
runs never clash), joined by two veth pairs on private /30 networks that exist only
inside them; the machine's own interfaces and loopback are never touched:

    far 10.231.0.2 ── veth ── 10.231.0.1 mid 10.231.0.5 ── veth ── 10.231.0.6 srv

`far` is the learner's side, `srv` the server's, `mid` the weak link between them:

- rate: a `tbf` qdisc on both ends of the far veth (the "last mile" both ways);
- loss: an nftables rule in `mid` drops each forwarded packet with probability
  `loss_percent` (`numgen random`), in both directions;
- delay: this kernel has no `netem`, so `mid` routes every forwarded packet through a
  pair of TUN devices and this file, run as a small process inside `mid`, holds each
  packet `one_way_ms` before handing it on. The delay applies to whole IP packets, so
  TCP handshakes, acknowledgements and ICE checks all see the round trip, as they
  would on a real slow line.

`run_in_namespace` runs a function in a thread that entered one of the namespaces
(`setns` changes only the calling thread's network namespace), so test code can be a
client on the far side while the test process itself stays where it was.
"""

import asyncio
import collections
import contextlib
import ctypes
import fcntl
import os
import shlex
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

CLONE_NEWNET = 0x40000000
TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000

FAR_ADDRESS = "10.231.0.2"
MID_FAR_ADDRESS = "10.231.0.1"
MID_SERVER_ADDRESS = "10.231.0.5"
SERVER_ADDRESS = "10.231.0.6"
# Packets coming from the far side go out through this TUN device and come back in
# through the other one, and the other way round (policy routing by input interface).
TUN_FROM_FAR = "delay-fromfar"
TUN_FROM_SERVER = "delay-fromsrv"


def missing_tools() -> list[str]:
    """What this machine lacks to build the link (empty when all is there)."""
    missing = []
    if os.geteuid() != 0:
        missing.append("root (network namespaces need it)")
    missing += [
        f"`{tool}`" for tool in ("ip", "tc", "nft") if shutil.which(tool) is None
    ]
    if not Path("/dev/net/tun").exists():
        missing.append("/dev/net/tun")
    return missing


def run(command: str) -> None:
    """Run one shell-quoted command (no shell involved); raise with its error."""
    result = subprocess.run(
        shlex.split(command), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"{command} failed: {result.stderr.strip()}")


class WeakLink:
    """The three namespaces, their links and the delay process; a context manager
    that removes everything on exit, also after a failure half-way through setup."""

    def __init__(
        self,
        *,
        rate_kbit: int = 700,
        one_way_ms: int = 150,
        loss_percent: int = 5,
    ):
        tag = f"{os.getpid()}-{time.monotonic_ns() % 100000}"
        self.far = f"komak-far-{tag}"
        self.mid = f"komak-mid-{tag}"
        self.server = f"komak-srv-{tag}"
        self.rate_kbit = rate_kbit
        self.one_way_ms = one_way_ms
        self.loss_percent = loss_percent
        self.delay_process: subprocess.Popen | None = None
        self.delay_log = tempfile.TemporaryFile(mode="w+")
        self.made: list[str] = []

    # ---- setup -------------------------------------------------------------------

    def __enter__(self) -> "WeakLink":
        try:
            self._build()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _build(self) -> None:
        far, mid, server = self.far, self.mid, self.server
        for namespace in (far, mid, server):
            run(f"ip netns add {namespace}")
            self.made.append(namespace)
            run(f"ip -n {namespace} link set lo up")
        # Made inside `mid` and moved: interface names never appear in the root
        # namespace, where another run might use the same ones.
        run(f"ip -n {mid} link add to-far type veth peer name eth0 netns {far}")
        run(f"ip -n {mid} link add to-srv type veth peer name eth0 netns {server}")
        for namespace, address, gateway in (
            (far, FAR_ADDRESS, MID_FAR_ADDRESS),
            (server, SERVER_ADDRESS, MID_SERVER_ADDRESS),
        ):
            run(f"ip -n {namespace} addr add {address}/30 dev eth0")
            run(f"ip -n {namespace} link set eth0 up")
            run(f"ip -n {namespace} route add default via {gateway}")
        run(f"ip -n {mid} addr add {MID_FAR_ADDRESS}/30 dev to-far")
        run(f"ip -n {mid} addr add {MID_SERVER_ADDRESS}/30 dev to-srv")
        run(f"ip -n {mid} link set to-far up")
        run(f"ip -n {mid} link set to-srv up")
        in_mid = f"ip netns exec {mid}"
        # Packets come back in through the "wrong" TUN device: no reverse-path check.
        run(
            f"{in_mid} sysctl -q -w net.ipv4.ip_forward=1 "
            "net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0"
        )

        # Rate, both directions of the last mile. The queue (limit) holds about
        # 0.35 s at this rate; beyond that packets are dropped, as on a real line.
        limit_bytes = max(self.rate_kbit * 1000 // 8 * 35 // 100, 16000)
        for namespace, device in ((mid, "to-far"), (far, "eth0")):
            run(
                f"ip netns exec {namespace} tc qdisc add dev {device} root tbf "
                f"rate {self.rate_kbit}kbit burst 6000 limit {limit_bytes}"
            )

        # Loss, each forwarded packet in either direction.
        run(f"{in_mid} nft add table inet weak")
        run(
            f"{in_mid} nft add chain inet weak forward "
            "'{ type filter hook forward priority 0 ; }'"
        )
        run(
            f"{in_mid} nft add rule inet weak forward "
            f"numgen random mod 100 '<' {self.loss_percent} counter drop"
        )

        # Delay: the TUN devices live as long as the process that holds them.
        self.delay_process = subprocess.Popen(
            [*shlex.split(in_mid), sys.executable, __file__, str(self.one_way_ms)],
            stdout=subprocess.PIPE,
            stderr=self.delay_log,
            text=True,
        )
        ready = self.delay_process.stdout.readline().strip()
        if ready != "ready":
            self.delay_log.seek(0)
            raise RuntimeError(f"delay stage did not start: {self.delay_log.read()}")
        for device in (TUN_FROM_FAR, TUN_FROM_SERVER):
            run(f"ip -n {mid} link set {device} up")
        run(f"ip -n {mid} route add default dev {TUN_FROM_FAR} table 100")
        run(f"ip -n {mid} route add default dev {TUN_FROM_SERVER} table 101")
        run(f"ip -n {mid} rule add iif to-far lookup 100")
        run(f"ip -n {mid} rule add iif to-srv lookup 101")

    def dropped_packets(self) -> int:
        """Packets the loss rule has dropped so far."""
        result = subprocess.run(
            ["ip", "netns", "exec", self.mid, "nft", "list", "table", "inet", "weak"],
            capture_output=True,
            text=True,
            check=True,
        )
        for word, following in zip(
            result.stdout.split(), result.stdout.split()[1:], strict=False
        ):
            if word == "packets":
                return int(following)
        return 0

    # ---- teardown ----------------------------------------------------------------

    def close(self) -> None:
        """Stop the delay process and delete the namespaces (their links go with
        them); each step runs even when an earlier one failed."""
        if self.delay_process is not None and self.delay_process.poll() is None:
            self.delay_process.terminate()
            try:
                self.delay_process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.delay_process.kill()
                self.delay_process.wait(timeout=5)
        self.delay_log.close()
        for namespace in reversed(self.made):
            with contextlib.suppress(RuntimeError):
                run(f"ip netns del {namespace}")
        self.made.clear()


def run_in_namespace(namespace: str, function, *args, **kwargs):
    """Call `function` in a new thread whose network namespace is `namespace`; return
    its result or raise its exception. Threads it starts inherit the namespace."""
    outcome: dict = {}
    libc = ctypes.CDLL(None, use_errno=True)

    def target() -> None:
        try:
            with open(f"/var/run/netns/{namespace}") as handle:
                if libc.setns(handle.fileno(), CLONE_NEWNET) != 0:
                    error = ctypes.get_errno()
                    raise OSError(error, f"setns {namespace}: {os.strerror(error)}")
            outcome["value"] = function(*args, **kwargs)
        except BaseException as error:  # handed to the calling thread
            outcome["error"] = error

    thread = threading.Thread(target=target, name=f"in-{namespace}")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


# ---- the delay stage, run as `python weak_network.py <one-way ms>` inside `mid` -----


def open_tun(name: str) -> int:
    descriptor = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(
        descriptor, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI)
    )
    os.set_blocking(descriptor, False)
    return descriptor


async def delay_stage(one_way_seconds: float) -> None:
    """Hold every packet read from one TUN device `one_way_seconds`, then write it to
    the other, in order."""
    loop = asyncio.get_running_loop()
    from_far = open_tun(TUN_FROM_FAR)
    from_server = open_tun(TUN_FROM_SERVER)

    def forward(source: int, target: int) -> None:
        queue: collections.deque = collections.deque()

        def release() -> None:
            now = loop.time()
            while queue and queue[0][0] <= now:
                # A full TUN queue drops the packet, as a full line would.
                with contextlib.suppress(OSError):
                    os.write(target, queue.popleft()[1])

        def on_readable() -> None:
            while True:
                try:
                    packet = os.read(source, 65536)
                except BlockingIOError:
                    return
                due = loop.time() + one_way_seconds
                queue.append((due, packet))
                loop.call_at(due, release)

        loop.add_reader(source, on_readable)

    forward(from_far, from_server)
    forward(from_server, from_far)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(delay_stage(int(sys.argv[1]) / 1000))
