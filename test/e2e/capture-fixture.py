#!/usr/bin/env python3
"""Captures the real netlink bytes pasted into test/fixtures/e2e/{rtnetlink.c,kernel.log}.

Run once on a Linux machine (no root needed); prints C arrays and hex lines to paste. The fixtures are static so
the tests do not depend on the machine's links; this script only records where the bytes came from.
"""
import socket
import struct

NLM_F_REQUEST, NLM_F_ACK = 1, 4
RTM_GETLINK = 18


def message(msgtype: int, flags: int, seq: int, payload: bytes) -> bytes:
    return struct.pack('=IHHII', 16 + len(payload), msgtype, flags, seq, 0) + payload


def ifinfomsg(index: int) -> bytes:
    return struct.pack('=BxHiII', 0, 0, index, 0, 0)


def c_array(name: str, data: bytes) -> str:
    rows = ['\t' + ' '.join(f'0x{b:02x},' for b in data[i:i + 16]) for i in range(0, len(data), 16)]
    return f'static const unsigned char {name}[{len(data)}] = {{\n' + '\n'.join(rows) + '\n};'


with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE) as s:
    s.bind((0, 0))
    request = message(RTM_GETLINK, NLM_F_REQUEST, 1, ifinfomsg(1))  # ifindex 1 is lo
    s.send(request)
    reply = s.recv(65536)
    bad = message(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 2, ifinfomsg(9999))  # no such link: ENODEV
    s.send(bad)
    error = s.recv(65536)

print(c_array('getlink_lo_request', request))
print(c_array('newlink_lo_reply', reply))
print('spaced:', error.hex(' '))
print('strace sendto:', ''.join(f'\\x{b:02x}' for b in bad))
print('strace recvfrom:', ''.join(f'\\x{b:02x}' for b in error))
