#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# pcapgen.py DIR: writes the synthetic captures that test_tools.sh feeds
# to tcplab-ladder --pcap:
#   tls12.*.pcap   one TLS 1.2 connection (a Certificate split over two
#                  records, records split over segments, a segment that
#                  arrives early and one sent twice, several records in
#                  one segment, ChangeCipherSpec and encrypted Finished,
#                  an encrypted alert), then a second one whose client
#                  rejects the certificate with a plaintext alert and
#                  whose server answers the FIN with a RST; the same
#                  packets in every link type and file format the tool
#                  reads (Ethernet with a VLAN tag, both byte orders,
#                  nanoseconds, raw IP, Linux cooked v1 and v2, BSD
#                  loopback), and over IPv6 behind extension headers;
#   hostile-*.pcap files that a careful reader must refuse or skip:
#                  cut short, garbage, impossible lengths, bad headers,
#                  fragments, TLS records that lie about their lengths;
#   many.pcap      more packets than the tool reads;
#   fuzz-N.pcap    the captures above and in traces/ with bytes flipped.
import os
import random
import struct
import sys

C4, S4 = bytes([192, 0, 2, 1]), bytes([192, 0, 2, 2])
C6 = bytes.fromhex("20010db8000000000000000000000001")
S6 = bytes.fromhex("20010db8000000000000000000000002")
FLAGS = {"F": 1, "S": 2, "R": 4, "P": 8, "A": 16}


def tcp(sport, dport, seq, ack, flags, payload=b"", opts=b"", doff=None):
    f = sum(FLAGS[c] for c in flags)
    if doff is None:
        doff = (20 + len(opts)) // 4
    return struct.pack("!HHIIBBHHH", sport, dport, seq, ack, doff << 4, f,
                       65535, 0, 0) + opts + payload


def ipv4(src, dst, l4, ihl=5, frag=0, total=None):
    if total is None:
        total = 20 + len(l4)
    return struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, total, 0, frag, 64,
                       6, 0, src, dst) + l4


def ipv6(src, dst, l4, exts=()):
    """exts: (next header number, body) pairs, each body 6 + 8n bytes."""
    chain, nxt = b"", 6
    for num, body in reversed(exts):
        chain = struct.pack("!BB", nxt, (len(body) + 2) // 8 - 1) + body + chain
        nxt = num
    return struct.pack("!IHBB16s16s", 6 << 28, len(chain) + len(l4), nxt, 64,
                       src, dst) + chain + l4


def link(kind, ip):
    proto = 0x86dd if ip[:1] and ip[0] >> 4 == 6 else 0x0800
    if kind == "eth":
        return bytes(6) + bytes([2, 0, 0, 0, 0, 1]) + struct.pack("!H", proto) + ip
    if kind == "vlan":
        return bytes(12) + struct.pack("!HHH", 0x8100, 7, proto) + ip
    if kind == "sll":
        return struct.pack("!HHH8sH", 0, 1, 6, bytes(8), proto) + ip
    if kind == "sll2":
        return struct.pack("!HHIHBB8s", proto, 0, 1, 1, 0, 6, bytes(8)) + ip
    if kind == "null":
        return struct.pack("<I", 2 if proto == 0x0800 else 24) + ip
    return ip


LINKTYPE = {"eth": 1, "vlan": 1, "raw": 101, "sll": 113, "sll2": 276,
            "null": 0}


def pcap(path, frames, linktype, order="<", nsec=False, snaplen=65535,
         caplens=None):
    magic = 0xa1b23c4d if nsec else 0xa1b2c3d4
    out = [struct.pack(order + "IHHiIII", magic, 2, 4, 0, 0, snaplen,
                       linktype)]
    for i, data in enumerate(frames):
        t = 1000 + i // 10
        frac = (i % 10) * (100000000 if nsec else 100000)
        cap = caplens[i] if caplens and caplens[i] is not None else len(data)
        out.append(struct.pack(order + "IIII", t, frac, cap, len(data)))
        out.append(data)
    with open(path, "wb") as f:
        f.write(b"".join(out))


def rec(t, body, ver=0x0303):
    return struct.pack("!BHH", t, ver, len(body)) + body


def hs(t, body):
    return bytes([t]) + len(body).to_bytes(3, "big") + body


def server_hello(ext=b""):
    body = b"\x03\x03" + bytes(range(32)) + b"\x00" + b"\xc0\x2f" + b"\x00"
    return body + struct.pack("!H", len(ext)) + ext


class Conn:
    """One connection's segments; seq and ack follow what was sent."""

    def __init__(self, cport, sport, v6=False):
        self.port = (cport, sport)
        self.addr = (C6, S6) if v6 else (C4, S4)
        self.v6 = v6
        self.next = [1000, 5000]
        self.segs = []          # (side, tcp bytes)

    def seg(self, side, flags, payload=b"", seq=None):
        s = self.next[side] if seq is None else seq
        a = self.next[1 - side] if "A" in flags else 0
        opts = b"\x01\x03\x03\x07" if "S" in flags else b""
        self.segs.append((side, tcp(self.port[side], self.port[1 - side], s,
                                    a, flags, payload, opts)))
        if seq is None:
            self.next[side] += len(payload) + ("S" in flags) + ("F" in flags)

    def ips(self, exts=()):
        out = []
        for side, t in self.segs:
            src, dst = self.addr[side], self.addr[1 - side]
            out.append(ipv6(src, dst, t, exts) if self.v6 else ipv4(src, dst, t))
        return out


def tls12(v6=False):
    c = Conn(40000, 8443, v6)
    c.seg(0, "S")
    c.seg(1, "SA")
    c.seg(0, "A")
    c.seg(0, "PA", rec(22, hs(1, bytes(100)), 0x0301))      # ClientHello 104
    c.seg(1, "A")
    cert = hs(11, bytes(range(256)) * 2)
    r1 = rec(22, hs(2, server_hello()) + cert[:200])
    r2 = rec(22, cert[200:] + hs(14, b""))
    stream = r1 + r2
    base = c.next[1]
    s1, s2 = stream[:35], stream[35:len(r1) + 10]
    s3 = stream[len(r1) + 10:]
    c.seg(1, "A", s1)
    c.seg(1, "PA", s3, seq=base + len(s1) + len(s2))        # early
    c.seg(1, "A", s2, seq=base + len(s1))                   # the gap
    c.seg(1, "A", s2, seq=base + len(s1))                   # sent twice
    c.next[1] = base + len(stream)
    c.seg(0, "A")
    c.seg(0, "PA", rec(22, hs(16, bytes(66))) + rec(20, b"\x01") +
          rec(22, bytes(range(40))))
    c.seg(1, "PA", rec(20, b"\x01") + rec(22, bytes(range(40))))
    c.seg(0, "PA", rec(23, bytes(50)))
    c.seg(1, "PA", rec(23, bytes(50)) + rec(23, bytes(range(50))))
    c.seg(0, "PA", rec(21, bytes(26)))                      # encrypted alert
    c.seg(0, "FA")
    c.seg(1, "A")
    c.seg(1, "FA")
    c.seg(0, "A")

    d = Conn(40001, 8443, v6)
    d.seg(0, "S")
    d.seg(1, "SA")
    d.seg(0, "A")
    d.seg(0, "PA", rec(22, hs(1, bytes(60)), 0x0301))
    d.seg(1, "PA", rec(22, hs(2, server_hello()) + hs(11, bytes(300)) +
                       hs(14, b"")))
    d.seg(0, "PA", rec(21, b"\x02\x2a"))                    # bad_certificate
    d.seg(0, "FA")
    d.seg(1, "RA")
    return c, d


def hostile(out):
    c, _ = tls12()
    good = [link("eth", p) for p in c.ips()]
    syn = good[0]

    def write(name, frames, **kw):
        pcap(os.path.join(out, "hostile-" + name + ".pcap"), frames, 1, **kw)

    with open(os.path.join(out, "hostile-short.pcap"), "wb") as f:
        f.write(struct.pack("<IHH", 0xa1b2c3d4, 2, 4))
    rnd = random.Random(7)
    with open(os.path.join(out, "hostile-garbage.pcap"), "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        f.write(bytes(rnd.randrange(256) for _ in range(5000)))
    with open(os.path.join(out, "hostile-pcapng.pcap"), "wb") as f:
        f.write(struct.pack("<IIIHHq", 0x0a0d0d0a, 28, 0x1a2b3c4d, 1, 0, -1))
    # A record that claims more than any capture may hold.
    with open(os.path.join(out, "hostile-huge.pcap"), "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        f.write(struct.pack("<IIII", 1, 0, 300000, 300000) + syn)
    # Longer than the file's snap length: skipped, the rest drawn.
    write("snaplen", [good[0] + bytes(200)] + good[1:], snaplen=200)
    # The last packet cut short by the end of the file.
    path = os.path.join(out, "hostile-truncated.pcap")
    pcap(path, good, 1)
    with open(path, "r+b") as f:
        f.truncate(os.path.getsize(path) - 10)
    # Bad headers, each in an otherwise good capture.
    t = tcp(40000, 8443, 1, 1, "A")
    bad = [
        link("eth", ipv4(C4, S4, t, ihl=3)),                # ihl < 5
        link("eth", ipv4(C4, S4, t, ihl=15)),               # ihl past the end
        link("eth", ipv4(C4, S4, t, total=10)),             # total < ihl
        link("eth", ipv4(C4, S4, t, total=60000)),          # total past the end
        link("eth", ipv4(C4, S4, tcp(40000, 8443, 1, 1, "A", doff=3))),
        link("eth", ipv4(C4, S4, tcp(40000, 8443, 1, 1, "A", doff=15))),
        link("eth", ipv4(C4, S4, t[:12])),                  # TCP cut short
        link("eth", ipv4(C4, S4, t, frag=0x2000)),          # a first fragment
        link("eth", ipv4(C4, S4, t, frag=0x0010)),          # a later one
        link("eth", ipv6(C6, S6, t, [(0, bytes(6))])[:44]),  # ext. cut short
        link("eth", ipv6(C6, S6, t, [(44, bytes(6))])),     # a fragment
        link("eth", ipv6(C6, S6, t, [(0, bytes(6))] * 9)),  # too many
        link("vlan", b""),
        link("eth", b"\x45"),
        b"",
    ]
    write("headers", good[:3] + bad + good[3:])
    # TLS that lies: lengths past the record, past the message, past
    # the capture; a ServerHello whose session id runs off its end.
    d = Conn(40002, 8443)
    d.seg(0, "S")
    d.seg(1, "SA")
    d.seg(0, "A")
    d.seg(0, "PA", rec(22, hs(1, bytes(10))[:4] + b"\xff" * 6))
    d.seg(1, "PA", rec(22, hs(2, b"\x03\x03" + bytes(32) + b"\xff")) +
          rec(22, hs(2, server_hello(b"\x00\x2b\xff\xff"))) +
          rec(22, b"\x02\xff\xff\xff") + rec(22, b"\x0b") + rec(21, b"\x02"))
    d.seg(0, "PA", b"\x16\x03\x03\xff\xff" + bytes(100))   # record too long
    d.seg(0, "PA", b"\x17\x03\x03")                       # too short to tell
    d.seg(0, "PA", rec(23, b""))
    d.seg(1, "PA", rec(21, b"\x09\xff") + rec(22, hs(99, b"")))
    # A first segment too short for a record header.
    e = Conn(40003, 8443)
    e.seg(0, "S")
    e.seg(1, "SA")
    e.seg(0, "A")
    ch = rec(22, hs(1, bytes(20)))
    e.seg(0, "PA", ch[:2])
    e.seg(0, "PA", ch[2:])
    write("tls", [link("eth", p) for p in d.ips() + e.ips()])


def fuzz(out, seeds, count):
    rnd = random.Random(1)
    for i in range(count):
        data = bytearray(seeds[i % len(seeds)])
        for _ in range(rnd.randrange(1, 8)):
            j = rnd.randrange(24, len(data))
            data[j] = rnd.randrange(256)
        if rnd.random() < 0.2:
            del data[rnd.randrange(24, len(data)):]
        with open(os.path.join(out, "fuzz-%d.pcap" % i), "wb") as f:
            f.write(data)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    here = os.path.dirname(os.path.abspath(__file__))
    c, d = tls12()
    pk = c.ips() + d.ips()
    variants = {
        "eth": ("eth", "<", False), "vlan": ("vlan", ">", False),
        "ns": ("eth", "<", True), "be-ns": ("eth", ">", True),
        "raw": ("raw", "<", False), "sll": ("sll", "<", False),
        "sll2": ("sll2", ">", False), "null": ("null", "<", False),
    }
    for name, (kind, order, nsec) in variants.items():
        pcap(os.path.join(out, "tls12.%s.pcap" % name),
             [link(kind, p) for p in pk], LINKTYPE[kind], order, nsec)
    c6, d6 = tls12(v6=True)
    exts = [(0, bytes(6)), (60, bytes(14))]
    pcap(os.path.join(out, "tls12.v6.pcap"),
         [link("eth", p) for p in c6.ips(exts) + d6.ips(exts)], 1)
    hostile(out)
    # Packets of no length: fast to read, and one too many.
    with open(os.path.join(out, "many.pcap"), "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        f.write(struct.pack("<IIII", 1, 0, 0, 0) * 1000001)
    seeds = []
    for p in ("traces/tcp_echo.pcap", "traces/simopen.pcap",
              "traces/tls_echo.pcap"):
        with open(os.path.join(here, p), "rb") as f:
            seeds.append(f.read())
    with open(os.path.join(out, "tls12.eth.pcap"), "rb") as f:
        seeds.append(f.read())
    with open(os.path.join(out, "hostile-tls.pcap"), "rb") as f:
        seeds.append(f.read())
    fuzz(out, seeds, int(sys.argv[2]) if len(sys.argv) > 2 else 200)


main()
