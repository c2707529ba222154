#!/usr/bin/python3
"""Writes a subunit v2 stream of N tests with python-subunit's own writer (StreamResultToBytes).

Run with Debian's /usr/bin/python3 (python3-subunit). Usage: gen_stream.py N OUTPUT
Tests are spread round-robin over 4 worker tags (as stestr stores them: the tag on the final
packet), 1% fail with a traceback attachment; timestamps advance 1 ms per test.
"""
import datetime
import sys

import subunit
from subunit import iso8601

WORKERS = 4
TRACEBACK = (
    "Traceback (most recent call last):\n"
    '  File "/srv/app/tests/test_module.py", line 42, in test_case\n'
    "    self.assertEqual(expected, actual)\n"
    "AssertionError: 1 != 2\n"
).encode("utf8")


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: gen_stream.py N OUTPUT")
    count = int(sys.argv[1])
    start = datetime.datetime(2026, 1, 1, tzinfo=iso8601.Utc())
    with open(sys.argv[2], "wb") as out:
        writer = subunit.StreamResultToBytes(out)
        for i in range(count):
            test_id = "bench.tests.test_module%03d.TestCase%02d.test_case_%07d" % (i % 997, i % 31, i)
            worker = "worker-%d" % (i % WORKERS)
            began = start + datetime.timedelta(milliseconds=i)
            ended = began + datetime.timedelta(microseconds=750)
            writer.status(test_id=test_id, test_status="inprogress", timestamp=began)
            failed = i % 100 == 99
            if failed:
                writer.status(test_id=test_id, file_name="traceback", file_bytes=TRACEBACK, eof=True,
                              mime_type="text/x-traceback;charset=utf8", timestamp=ended)
            writer.status(test_id=test_id, test_status="fail" if failed else "success",
                          test_tags={worker}, timestamp=ended)


if __name__ == "__main__":
    main()
