"""The response bodies the test servers send and the scenarios expect.

pattern(n) is n bytes of numbered 64-byte lines, so a body that lost,
repeated or reordered a record (16 KB) never compares equal by accident.
"""

ALPHABET = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def pattern(n):
    out = bytearray()
    line = 0
    while len(out) < n:
        start = line % len(ALPHABET)
        filler = (ALPHABET[start:] + ALPHABET[:start])[:54]
        out += b"%08d: " % line + filler + b"\n"
        line += 1
    return bytes(out[:n])
