#!/usr/bin/python3
"""Times pyroute2 parsing the bench's rtnetlink bytes, for the comparison in decoder.bench.ts.

Usage: /usr/bin/python3 test/bench/pyroute2_bench.py BYTES_FILE CHUNKS_JSON [ROUNDS]
  BYTES_FILE   the messages, concatenated
  CHUNKS_JSON  list of chunk lengths: each chunk is one recv()-sized buffer of whole messages
Prints one JSON object: messages, bytes, and per mode the wall seconds of each timed round (and its CPU seconds
in parseCpu / fullCpu):
  parse   MarshalRtnl().parse() of every chunk (pyroute2 decodes attribute values lazily)
  full    parse, then every attribute value read, nests included (what our decoder always does)
"""
import json
import sys
import time

from pyroute2.netlink import nlmsg_base
from pyroute2.netlink.rtnl.marshal import MarshalRtnl


def walk(msg):
    """Reads every attribute value, descending into nests; returns how many were read."""
    count = 0
    for slot in msg.get('attrs') or ():
        value = slot.get_value()
        count += 1
        if isinstance(value, nlmsg_base):
            count += walk(value)
    return count


def run(chunks, full):
    marshal = MarshalRtnl()
    messages = 0
    attrs = 0
    for chunk in chunks:
        for msg in marshal.parse(chunk):
            messages += 1
            if full:
                attrs += walk(msg)
    return messages, attrs


def timed(chunks, full, rounds):
    """Wall and CPU seconds of each round (CPU time: this process only, unaffected by other load)."""
    run(chunks, full)  # warmup: pyroute2 compiles its nla maps on first use
    wall = []
    cpu = []
    for _ in range(rounds):
        c0 = time.process_time()
        t0 = time.perf_counter()
        messages, attrs = run(chunks, full)
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return messages, attrs, wall, cpu


def main():
    if len(sys.argv) < 3:
        sys.exit('usage: pyroute2_bench.py BYTES_FILE CHUNKS_JSON [ROUNDS]')
    data = open(sys.argv[1], 'rb').read()
    lengths = json.load(open(sys.argv[2]))
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    if sum(lengths) != len(data):
        sys.exit(f'chunk lengths add up to {sum(lengths)}, bytes file has {len(data)}')
    chunks = []
    off = 0
    for n in lengths:
        chunks.append(data[off:off + n])
        off += n
    messages, _, parse_wall, parse_cpu = timed(chunks, False, rounds)
    _, attrs, full_wall, full_cpu = timed(chunks, True, rounds)
    print(json.dumps({'messages': messages, 'attrs': attrs, 'bytes': len(data),
                      'parse': parse_wall, 'parseCpu': parse_cpu, 'full': full_wall, 'fullCpu': full_cpu}))


if __name__ == '__main__':
    main()
