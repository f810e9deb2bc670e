"""Cleaning in a forked child after the parent cleaned in parallel.

A rayon pool made before fork() has no threads in the child: a parallel
call there would wait forever. The binding keeps one pool per process id
(src/pool.rs); this test hangs (and fails on its timeout) without that.
"""

from __future__ import annotations

import multiprocessing
import sys
from multiprocessing.connection import Connection

import pytest

import deboil

TEXTS = ["Body.\nShare on Facebook\n", "Text.\nLeave a reply\n"] * 50


def child(conn: Connection) -> None:
    # The Cleaner comes from the parent's memory (no pickling with fork).
    cleaner = CLEANER
    texts = [r.text for r in cleaner.clean_batch(TEXTS)]
    texts2 = [r.text for r in cleaner.clean_batch(TEXTS, threads=2)]
    out, _ = cleaner.clean_json_lines(b'{"text":"Body.\\nShare on Facebook"}\n' * 10, threads=2)
    column = cleaner.clean_column(TEXTS).column("text").to_pylist()
    conn.send((texts, texts2, out.count(b"share-button"), column))
    conn.close()


CLEANER = deboil.Cleaner()


@pytest.mark.skipif(sys.platform == "win32", reason="no fork on Windows")
def test_a_forked_child_cleans_in_parallel() -> None:
    # The parent's pools exist before the fork.
    want = [r.text for r in CLEANER.clean_batch(TEXTS)]
    assert [r.text for r in CLEANER.clean_batch(TEXTS, threads=2)] == want
    ctx = multiprocessing.get_context("fork")
    for _ in range(2):  # a second child: the first one's exit left nothing behind
        parent_end, child_end = ctx.Pipe(duplex=False)
        p = ctx.Process(target=child, args=(child_end,))
        p.start()
        child_end.close()
        ready = parent_end.poll(timeout=60)
        if not ready:
            p.kill()
            p.join()
            pytest.fail("the forked child did not finish cleaning in 60 s (a dead pool?)")
        texts, texts2, shares, column = parent_end.recv()
        p.join(timeout=30)
        assert p.exitcode == 0
        assert texts == want and texts2 == want and column == want
        assert shares == 10
