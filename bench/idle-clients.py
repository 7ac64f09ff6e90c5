#!/usr/bin/env python3
"""Holds N idle keep-alive HTTP connections open against a proxy, to measure what each costs it.

Usage: idle-clients.py PORT N
Opens N connections to 127.0.0.1:PORT, sends one GET on each and reads its answer (so every connection
has been through a whole exchange and sits idle in keep-alive), prints "ready N" and keeps them open
until its standard input closes. Exits non-zero if any connection fails.
"""
import selectors
import socket
import sys


def main() -> int:
    port, count = int(sys.argv[1]), int(sys.argv[2])
    request = b"GET / HTTP/1.1\r\nHost: bench\r\n\r\n"
    selector = selectors.DefaultSelector()
    sockets = []
    pending = {}
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port))
        sock.setblocking(False)
        sock.sendall(request)
        sockets.append(sock)
        pending[sock.fileno()] = b""
        selector.register(sock, selectors.EVENT_READ)
        # Keep the number of exchanges in flight bounded, as a real client population would.
        while len(pending) > 200:
            drain(selector, pending)
    while pending:
        drain(selector, pending)
    print(f"ready {len(sockets)}", flush=True)
    sys.stdin.read()
    for sock in sockets:
        sock.close()
    return 0


def drain(selector, pending) -> None:
    for key, _ in selector.select(timeout=10):
        sock = key.fileobj
        data = sock.recv(65536)
        if not data:
            raise SystemExit(f"connection closed before its answer")
        buffered = pending[sock.fileno()] + data
        head_end = buffered.find(b"\r\n\r\n")
        if head_end < 0:
            pending[sock.fileno()] = buffered
            continue
        length = 0
        for line in buffered[:head_end].split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        if len(buffered) - head_end - 4 >= length:
            selector.unregister(sock)
            del pending[sock.fileno()]
        else:
            pending[sock.fileno()] = buffered


if __name__ == "__main__":
    sys.exit(main())
