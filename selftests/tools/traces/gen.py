#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# gen.py: writes the synthesized traces of this directory (tls_echo.trace,
# keyupdate.trace, loss.trace) in exactly the TP_printk formats of
# module/trace.h, with the events tcplab_retransmit, tcplab_cc,
# tcplab_tls_record and tcplab_tls_key.  tcp_echo.trace is a real trace
# from `make demo`.  Run it from this directory after a format change.

C, S = "192.0.2.1", "192.0.2.2"
SK = {"c": "ff00000000000c01", "s": "ff00000000000501",
      "l": "ff00000000000101"}


class Trace:
    def __init__(self, path, cport, sport, iss_c, iss_s):
        self.f = open(path, "w")
        self.t = 10.0
        self.cp, self.sp = cport, sport
        self.iss = {"c": iss_c, "s": iss_s}
        self.irs = {"c": 0, "s": 0}
        self.state = {"c": "CLOSED", "s": "CLOSED"}
        self.f.write("# synthesized by gen.py in the formats of "
                     "module/trace.h\n")

    def tuple(self, who):
        if who == "c":
            return f"{C}:{self.cp} {S}:{self.sp}"
        if who == "s":
            return f"{S}:{self.sp} {C}:{self.cp}"
        return f"0.0.0.0:{self.sp} 0.0.0.0:0"

    def line(self, who, ev, rest, dt=0.0002):
        self.t += dt
        task = "client-42" if who == "c" else "server-41"
        self.f.write(f"{task:>22}  [000] .....  {self.t:10.6f}: {ev}: "
                     f"sk={SK[who]} {self.tuple(who)} {rest}\n")

    def st(self, who, new, dt=0.0002):
        old = self.state.get(who, "CLOSED")
        self.line(who, "tcplab_state", f"{old} -> {new}", dt)
        self.state[who] = new

    def seg(self, kind, who, flags, seq, ack, ln, state=None):
        state = state or self.state[who]
        self.line(who, f"tcplab_segment_{kind}",
                  f"[{flags}] seq={seq} ack={ack} win=65535 len={ln} "
                  f"iss={self.iss[who]} irs={self.irs[who]} "
                  f"state={state}")

    def send(self, who, flags, seq, ack, ln, lost=False):
        peer = "s" if who == "c" else "c"
        self.seg("out", who, flags, seq, ack, ln)
        if not lost:
            self.seg("in", peer, flags, seq, ack, ln)

    def cc(self, who, ev, cwnd, ssthresh, srtt, rto, inflight, dt=0.0002):
        self.line(who, "tcplab_cc",
                  f"cwnd={cwnd} ssthresh={ssthresh} mss=1000 srtt={srtt} "
                  f"rttvar={srtt // 2} rto={rto} inflight={inflight} "
                  f"ca=reno event={ev}", dt)

    def handshake(self):
        c, s = self.iss["c"], self.iss["s"]
        self.state["l"] = "CLOSED"
        self.st("l", "LISTEN")
        self.st("c", "SYN-SENT", 0.5)
        self.seg("out", "c", "S", c, 0, 0)
        self.state["l"] = "LISTEN"
        self.line("l", "tcplab_segment_in",
                  f"[S] seq={c} ack=0 win=65535 len=0 iss=0 irs=0 "
                  f"state=LISTEN")
        self.irs["s"] = c
        self.st("s", "SYN-RECEIVED")
        self.send("s", "S.", s, c + 1, 0)
        self.irs["c"] = s
        self.st("c", "ESTABLISHED")
        self.send("c", ".", c + 1, s + 1, 0)
        self.st("s", "ESTABLISHED")

    def close(self, cseq, sseq):
        self.st("c", "FIN-WAIT-1", 0.01)
        self.send("c", "F.", cseq, sseq, 0)
        self.st("s", "CLOSE-WAIT")
        self.send("s", ".", sseq, cseq + 1, 0)
        self.st("c", "FIN-WAIT-2")
        self.st("s", "LAST-ACK", 0.01)
        self.send("s", "F.", sseq, cseq + 1, 0)
        self.st("c", "TIME-WAIT")
        self.send("c", ".", cseq + 1, sseq + 1, 0)
        self.st("s", "CLOSED")
        self.st("l", "CLOSED")
        self.st("c", "CLOSED", 2.0)


def tls():
    t = Trace("tls_echo.trace", 40000, 8443, 1000, 5000)
    t.handshake()
    c, s = 1001, 5001
    # The helper's handshake: plain TCP payload.
    t.send("c", "P.", c, s, 517)            # ClientHello
    c += 517
    t.send("s", ".", s, c, 0)
    t.send("s", "P.", s, c, 1200)           # ServerHello .. Finished
    s += 1200
    t.send("c", ".", c, s, 0)
    t.send("c", "P.", c, s, 64)             # client Finished
    c += 64
    t.send("s", ".", s, c, 0)
    # Key hand-off to the kernel (TLS 1.3, AES-128-GCM).
    for who in ("c", "s"):
        for d in ("tx", "rx"):
            t.line(who, "tcplab_tls_key",
                   f"dir={d} version=0x0304 cipher=51 event=install")
    # One application data record each way: 13 bytes -> 35 on the wire.
    rec = 5 + 13 + 1 + 16
    t.line("c", "tcplab_tls_record",
           f"dir=tx type=23 len=13 rec_seq=0 tcp_seq={c}")
    t.send("c", "P.", c, s, rec)
    t.line("s", "tcplab_tls_record",
           f"dir=rx type=23 len=13 rec_seq=0 tcp_seq={c}")
    c += rec
    t.send("s", ".", s, c, 0)
    t.line("s", "tcplab_tls_record",
           f"dir=tx type=23 len=13 rec_seq=0 tcp_seq={s}")
    t.send("s", "P.", s, c, rec)
    t.line("c", "tcplab_tls_record",
           f"dir=rx type=23 len=13 rec_seq=0 tcp_seq={s}")
    s += rec
    t.send("c", ".", c, s, 0)
    # close_notify alert, then the close.
    alert = 5 + 2 + 1 + 16
    t.line("c", "tcplab_tls_record",
           f"dir=tx type=21 len=2 rec_seq=1 tcp_seq={c}")
    t.send("c", "P.", c, s, alert)
    c += alert
    t.send("s", ".", s, c, 0)
    t.close(c, s)


def keyupdate():
    t = Trace("keyupdate.trace", 40002, 8443, 3000, 6000)
    t.handshake()
    c, s = 3001, 6001
    t.send("c", "P.", c, s, 517)            # ClientHello
    c += 517
    t.send("s", "P.", s, c, 1200)           # ServerHello .. Finished
    s += 1200
    t.send("c", "P.", c, s, 64)             # client Finished
    c += 64
    for who in ("c", "s"):
        for d in ("tx", "rx"):
            t.line(who, "tcplab_tls_key",
                   f"dir={d} version=0x0304 cipher=51 event=install")
    # The client's KeyUpdate (RFC 8446 4.6.3): a 5-byte handshake record
    # under the old key, then each end replaces that direction's key.
    rec = 5 + 5 + 1 + 16
    t.line("c", "tcplab_tls_record",
           f"dir=tx type=22 len=5 rec_seq=0 tcp_seq={c}")
    t.send("c", "P.", c, s, rec)
    t.line("s", "tcplab_tls_record",
           f"dir=rx type=22 len=5 rec_seq=0 tcp_seq={c}")
    c += rec
    t.line("c", "tcplab_tls_key",
           "dir=tx version=0x0304 cipher=51 event=rekey")
    t.line("s", "tcplab_tls_key",
           "dir=rx version=0x0304 cipher=51 event=rekey")
    t.send("s", ".", s, c, 0)
    # A NewSessionTicket-sized handshake record: no rekey follows it.
    rec = 5 + 60 + 1 + 16
    t.line("s", "tcplab_tls_record",
           f"dir=tx type=22 len=60 rec_seq=0 tcp_seq={s}")
    t.send("s", "P.", s, c, rec)
    t.line("c", "tcplab_tls_record",
           f"dir=rx type=22 len=60 rec_seq=0 tcp_seq={s}")
    s += rec
    t.send("c", ".", c, s, 0)
    t.close(c, s)


def loss():
    t = Trace("loss.trace", 40001, 9000, 7000, 9000)
    t.handshake()
    c, s = 7001, 9001
    t.cc("c", "init", 10000, 2147483647, 0, 1000000, 0)
    t.cc("c", "rtt", 10000, 2147483647, 4000, 1000000, 0)
    t.send("c", "P.", c, s, 1000)
    t.send("c", "P.", c + 1000, s, 1000, lost=True)   # lost on the wire
    t.send("c", "P.", c + 2000, s, 1000)
    t.send("s", ".", s, c + 1000, 0)
    t.cc("c", "ack", 11000, 2147483647, 4000, 1000000, 2000)
    t.send("s", ".", s, c + 1000, 0)                   # duplicate ACK
    # The retransmission timer fires (RFC 6298 5.4-5.6).
    t.cc("c", "rto", 1000, 5500, 4000, 2000000, 2000, dt=1.0)
    t.line("c", "tcplab_retransmit",
           f"seq={c + 1000} len=1000 iss={t.iss['c']} kind=rto")
    t.send("c", "P.", c + 1000, s, 1000)
    t.send("s", ".", s, c + 3000, 0)
    t.cc("c", "ack", 2000, 5500, 4000, 1000000, 0)
    t.cc("c", "rtt", 2000, 5500, 4500, 1000000, 0)
    t.close(c + 3000, s)


tls()
keyupdate()
loss()
