#!/usr/bin/env python3
"""How fast can this machine move a file over loopback TCP at all, with no Java in the way?

One process, two threads: a sender that sendfile()s a cached file into an accepted socket
(what every contender of benchmark 1 does, zero-copy) and a receiver that recv_into()s a reused
256 KiB buffer and drops the bytes (the benchmark client with sink=discard). Each line is one
connection's rate. Optional CPU numbers pin the two threads, to show how much of a rate is
the placement of the two ends rather than the code that sends:

    python3 bench/tools/loopback-probe.py                 # 8 connections, placement left to the kernel
    python3 bench/tools/loopback-probe.py --pin 0 0       # both ends on CPU 0
    python3 bench/tools/loopback-probe.py --pin 0 1       # sender on CPU 0, receiver on CPU 1

On the 2-vCPU machine of BENCHMARKS.md this gave 1.1-1.8 GiB/s for the first connections of
a process or with both ends on one CPU, and 3.1-5.5 GiB/s once they ran on two: the bimodal
rates the large-file benchmark sees for every contender, with no server code at all.
"""
import argparse
import os
import socket
import tempfile
import threading
import time

CHUNK = 1 << 20


def make_file(path, mib):
    with open(path, "wb") as f:
        block = os.urandom(CHUNK)
        for _ in range(mib):
            f.write(block)
    with open(path, "rb") as f:  # into the page cache
        while f.read(CHUNK):
            pass


def one_transfer(server, path, size, pin):
    def send():
        if pin:
            os.sched_setaffinity(0, {pin[0]})
        conn, _ = server.accept()
        fd = os.open(path, os.O_RDONLY)
        try:
            offset = 0
            while offset < size:
                offset += os.sendfile(conn.fileno(), fd, offset, size - offset)
        finally:
            os.close(fd)
            conn.close()

    sender = threading.Thread(target=send)
    sender.start()
    client = socket.create_connection(server.getsockname())
    view = memoryview(bytearray(256 << 10))
    got = 0
    start = time.perf_counter()
    while True:
        n = client.recv_into(view)
        if not n:
            break
        got += n
    elapsed = time.perf_counter() - start
    client.close()
    sender.join()
    if got != size:
        raise SystemExit(f"received {got} of {size} bytes")
    return got / elapsed / (1 << 30)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--connections", type=int, default=8)
    p.add_argument("--mib", type=int, default=256, help="file size in MiB")
    p.add_argument("--pin", type=int, nargs=2, metavar=("SENDER_CPU", "RECEIVER_CPU"))
    a = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="loopback-probe-") as d:
        path = os.path.join(d, "file.bin")
        make_file(path, a.mib)
        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        if a.pin:
            os.sched_setaffinity(0, {a.pin[1]})
        rates = [one_transfer(server, path, a.mib * CHUNK, a.pin) for _ in range(a.connections)]
        server.close()
    where = f"sender on CPU {a.pin[0]}, receiver on CPU {a.pin[1]}" if a.pin else "unpinned"
    print(f"{a.mib} MiB per connection, {where}: " + "  ".join(f"{r:.2f}" for r in rates) + "  GiB/s")


if __name__ == "__main__":
    main()
