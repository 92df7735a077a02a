"""A small, independent SIA DC-09 encoder/decoder for the alarm integration
tests (the device side): frames with CRC-16/ARC and hex length, SIA-DCS /
ADM-CID / NULL, xdata, timestamps, AES-CBC (zero IV, hex, random pad ended
by '|'), and the parser for the receiver's ACK / NAK / DUH. The tests at
the end check this helper against ../shared/data/dc09_vectors.txt."""
import datetime
import os
import random
import re
import socket
import string
import time

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from conftest import SHARED


def crc16(data: bytes) -> int:
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def sia_time(t=None) -> str:
    d = datetime.datetime.fromtimestamp(time.time() if t is None else t, datetime.timezone.utc)
    return d.strftime("%H:%M:%S,%m-%d-%Y")


def key_bytes(key: str) -> bytes:
    if len(key) in (32, 48, 64) and all(c in string.hexdigits for c in key):
        return bytes.fromhex(key)
    return key.encode()


def aes(key: bytes, data: bytes, decrypt=False) -> bytes:
    c = Cipher(algorithms.AES(key), modes.CBC(b"\0" * 16))
    op = c.decryptor() if decrypt else c.encryptor()
    return op.update(data) + op.finalize()


def wrap(body: str) -> bytes:
    b = body.encode()
    return b"\n" + ("%04X%04X" % (crc16(b), len(b))).encode() + b + b"\r"


def frame(acct="1234", data="#1234|NFA129", ident="SIA-DCS", seq="0001", rcvr="1", line="1",
          xdata=(), ts=None, key=None, with_ts=None) -> bytes:
    """One frame. key: text key (hex or raw) → encrypted. ts: Unix seconds
    for the timestamp (default now when encrypted); with_ts=False omits it."""
    head = '"%s%s"%s%sL%s#%s[' % ("*" if key else "", ident, seq,
                                  ("R" + rcvr) if rcvr is not None else "", line, acct)
    tail = data + "]" + "".join("[%s]" % x for x in xdata)
    if with_ts is None:
        with_ts = key is not None or ts is not None
    if with_ts:
        tail += "_" + sia_time(ts)
    if not key:
        return wrap(head + tail)
    k = key_bytes(key)
    n = len(tail) + 1
    padlen = (16 - n % 16) % 16
    pad = "".join(random.choice(string.ascii_letters + string.digits) for _ in range(padlen))
    plain = (pad + "|" + tail).encode()
    return wrap(head + aes(k, plain).hex().upper())


RE_REPLY = re.compile(r'^"(\*?)([A-Z-]+)"(\d{4})(?:R([0-9A-F]*))?L([0-9A-F]*)(?:#([0-9A-F]+)|A0)?\[(.*)$')


def parse_reply(raw: bytes, key=None) -> dict:
    """Parses one reply frame (LF ... CR); checks CRC and length."""
    assert raw[:1] == b"\n" and raw[-1:] == b"\r", raw
    body = raw[9:-1]
    crc, length = int(raw[1:5], 16), int(raw[5:9], 16)
    out = {"crc_ok": crc == crc16(body), "len_ok": length == len(body)}
    m = RE_REPLY.match(body.decode())
    assert m, raw
    enc, ident, seq, r, l, acct, rest = m.groups()
    out.update(id=ident, encrypted=bool(enc), seq=seq, receiver=r, line=l, account=acct)
    if enc:
        plain = aes(key_bytes(key), bytes.fromhex(rest), decrypt=True).decode()
        rest = plain[plain.index("|") + 1:] if "|" in plain else plain
    m2 = re.match(r"^(.*?)\](?:.*?)(?:_(\d\d:\d\d:\d\d,\d\d-\d\d-\d{4}))?$", rest)
    out["data"] = m2.group(1) if m2 else None
    out["time"] = m2.group(2) if m2 else None
    return out


def read_reply(sock, timeout=10) -> bytes:
    sock.settimeout(timeout)
    buf = b""
    while not buf.endswith(b"\r"):
        chunk = sock.recv(1)
        if not chunk:
            raise ConnectionError("closed after %r" % buf)
        buf += chunk
    return buf


class Device:
    """A TCP connection to the receiver."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def send(self, raw: bytes, key=None) -> dict:
        self.sock.sendall(raw)
        return parse_reply(read_reply(self.sock), key)

    def close(self):
        self.sock.close()


def udp_send(port, raw: bytes, key=None) -> dict:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(10)
    s.sendto(raw, ("127.0.0.1", port))
    data, _ = s.recvfrom(2048)
    s.close()
    return parse_reply(data, key)


# ---- the helper checked against the shared vectors ----

def vectors():
    path = os.path.join(SHARED, "data", "dc09_vectors.txt")
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            out.append(line.rstrip("\n").split("\t")[0])
    return out


def test_helper_crc_matches_vectors():
    assert crc16(b"123456789") == 0xBB3D
    vs = vectors()
    assert vs
    for v in vs:
        body = v[8:].encode()
        assert int(v[:4], 16) == crc16(body), v
        assert int(v[4:8], 16) == len(body), v


def test_helper_decrypts_vector():
    v = [x for x in vectors() if '"*NULL"' in x][0]
    cipher = v[v.index("[") + 1:]
    plain = aes(b"A" * 16, bytes.fromhex(cipher), decrypt=True).decode()
    assert plain.endswith("]_18:24:52,07-05-2020")


def test_helper_roundtrip_encrypted():
    raw = frame(key="000102030405060708090A0B0C0D0E0F")
    body = raw[9:-1].decode()
    cipher = body[body.index("[") + 1:]
    plain = aes(key_bytes("000102030405060708090A0B0C0D0E0F"), bytes.fromhex(cipher), True)
    assert b"|#1234|NFA129]_" in plain
