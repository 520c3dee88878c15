#!/usr/bin/python3
"""pyroute2 as a whole process, for the text-path bench (textpath.bench.ts): start, read the messages as bytes,
decode them (every attribute value read, as our decoder always does) and print each as JSON, like
`netlink-decode decode --json` does. Timed from outside, process start to exit.

Usage: /usr/bin/python3 test/bench/pyroute2_process.py BYTES_FILE > out.json
Prints a JSON array with one object per message (pyroute2's dump(): header, fields, attributes by name).
"""
import json
import sys

from pyroute2.netlink.rtnl.marshal import MarshalRtnl

CHUNK_MAX = 32 * 1024


def chunks(data):
    """recv()-sized buffers of whole messages, as the kernel fills them."""
    off = 0
    start = 0
    while off + 16 <= len(data):
        length = (int.from_bytes(data[off:off + 4], 'little') + 3) & ~3
        if length < 16:
            sys.exit(f'bad nlmsg_len at {off}')
        if off + length - start > CHUNK_MAX:
            yield data[start:off]
            start = off
        off += length
    yield data[start:off]


def main():
    data = open(sys.argv[1], 'rb').read()
    marshal = MarshalRtnl()
    out = sys.stdout
    out.write('[')
    first = True
    count = 0
    for chunk in chunks(data):
        for msg in marshal.parse(chunk):
            out.write(('\n  ' if first else ',\n  ') + json.dumps(msg.dump(), default=str))
            first = False
            count += 1
    out.write('\n]\n')
    sys.stderr.write(f'{count}\n')


if __name__ == '__main__':
    main()
