#!/usr/bin/python3
"""Writes RUNS subunit v2 streams of TESTS tests each (one file per run) for bench_history.sh.

The packets are laid out exactly as python-subunit's StreamResultToBytes writes them (signature,
flags, variable-length length, timestamp, test id, tags, CRC32), but encoded here directly so that
5,000,000 results take a minute rather than an hour. Each run: WORKERS workers, each running its
share in a rotated order; per-test durations jitter around a fixed base; 50 flaky tests (0.5% to
30% failure rate), 5 broken tests, 2 tests that start failing halfway; failures carry a traceback.
"""
import argparse
import datetime
import multiprocessing
import os
import random
import struct
import zlib

EPOCH = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
STATUS = {"inprogress": 2, "success": 3, "skip": 5, "fail": 6}
FLAGS_BASE = 0x2000 | 0x0800 | 0x0200 | 0x0100 | 0x0080  # v2, test id, timestamp, runnable, tags


def number(value):
    if value < 64:
        return struct.pack(">B", value)
    if value < 16384:
        return struct.pack(">H", value | 0x4000)
    if value < 4194304:
        value |= 0x800000
        return struct.pack(">HB", value >> 8, value & 0xFF)
    return struct.pack(">I", value | 0xC0000000)


def utf8(text):
    data = text.encode()
    return number(len(data)) + data


def packet(flags, body):
    base = 1 + 2 + len(body) + 4
    size = base + (1 if base <= 62 else 2 if base <= 16381 else 3)
    content = b"\xb3" + struct.pack(">H", flags) + number(size) + body
    return content + struct.pack(">I", zlib.crc32(content) & 0xFFFFFFFF)


def timestamp(seconds):
    whole = int(seconds)
    return struct.pack(">I", whole) + number(int((seconds - whole) * 1e9))


class Suite:
    def __init__(self, tests, workers, seed):
        rng = random.Random(seed)
        self.ids = [f"bench.module_{i // 50:03}.TestCase{(i // 10) % 5}.test_{i:05}" for i in range(tests)]
        self.id_bytes = [utf8(t) for t in self.ids]
        self.base = [min(rng.lognormvariate(-3.5, 1.2), 20.0) for _ in range(tests)]
        picks = rng.sample(range(tests), 57)
        self.rate = {i: 0.005 + 0.295 * k / 49 for k, i in enumerate(picks[:50])}
        self.broken = set(picks[50:55])
        self.regressed = set(picks[55:57])
        self.workers = workers
        self.tags = [number(1) + utf8(f"worker-{w}") for w in range(workers)]

    def status(self, index, run, runs, rng):
        if index in self.broken or (index in self.regressed and run >= runs // 2):
            return "fail"
        rate = self.rate.get(index)
        return "fail" if rate is not None and rng.random() < rate else "success"


TRACEBACK = b"Traceback (most recent call last):\n  File \"bench.py\", line 1, in test\nAssertionError: flaky\n"


def write_run(args):
    suite, run, runs, path, seed = args
    rng = random.Random(seed * 1_000_003 + run)
    start = (EPOCH - datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)).total_seconds() + run * 1800.0
    chunks = []
    tests = len(suite.ids)
    for worker in range(suite.workers):
        share = list(range(worker, tests, suite.workers))
        offset = rng.randrange(len(share)) if share else 0
        clock = start
        for index in share[offset:] + share[:offset]:
            head = suite.id_bytes[index] + suite.tags[worker]
            chunks.append(packet(FLAGS_BASE | STATUS["inprogress"], timestamp(clock) + head))
            clock += suite.base[index] * rng.uniform(0.9, 1.1)
            status = suite.status(index, run, runs, rng)
            if status == "fail":
                body = timestamp(clock) + head + utf8("text/plain;charset=utf8") + utf8("traceback") + \
                    number(len(TRACEBACK)) + TRACEBACK
                chunks.append(packet(0x2000 | 0x0800 | 0x0200 | 0x0100 | 0x0080 | 0x0020 | 0x0040 | 0x0010, body))
            chunks.append(packet(FLAGS_BASE | STATUS[status], timestamp(clock) + head))
    with open(path, "wb") as handle:
        handle.write(b"".join(chunks))
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--tests", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("out", help="directory for run0001.subunit ...")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    suite = Suite(args.tests, args.workers, args.seed)
    work = [(suite, run, args.runs, os.path.join(args.out, f"run{run:04}.subunit"), args.seed)
            for run in range(1, args.runs + 1)]
    with multiprocessing.Pool(args.jobs) as pool:
        for _ in pool.imap(write_run, work, chunksize=4):
            pass


if __name__ == "__main__":
    main()
