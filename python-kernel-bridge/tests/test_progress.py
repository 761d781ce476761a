"""The tqdm-style line of long transfers (seglab._progress): shown only for big transfers,
at most a few times a second, ending with the size and time; nothing for small ones."""

import io

from seglab._progress import MIN_BYTES, TransferProgress


class Clock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


def test_a_big_transfer_shows_a_line_that_ends_with_size_and_time():
    out, clock = io.StringIO(), Clock()
    p = TransferProgress("receiving 'nuclei'", out, clock)
    total = 128 * 2**20
    for k in range(17):  # a chunk every 0.1 s: about every third one shown
        clock.t += 0.1
        p.update(min(total, k * 8 * 2**20), total)
    p.close()
    lines = out.getvalue().split("\r")[1:]
    assert 4 <= len(lines) <= 8  # throttled
    assert lines[0] == "receiving 'nuclei':   0% (0 / 128 MB)"
    assert lines[-1] == "receiving 'nuclei': 100% (128 / 128 MB) in 1.7 s\n"


def test_small_transfers_print_nothing_and_a_failure_says_stopped():
    out = io.StringIO()
    p = TransferProgress("receiving 'x'", out, Clock())
    p.update(1000, MIN_BYTES - 1)
    p.close()
    assert out.getvalue() == ""
    clock = Clock()
    q = TransferProgress("receiving 'y'", out, clock)
    clock.t = 1
    q.update(MIN_BYTES // 2, MIN_BYTES)
    q.close(ok=False)
    assert out.getvalue() == "\rreceiving 'y':  50% (8 / 16 MB)\rreceiving 'y': stopped\n"
