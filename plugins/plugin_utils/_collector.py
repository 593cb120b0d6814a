# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Python's cyclic garbage collector, held off while the inventory builds its hosts, and kept off them after."""

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def collector_paused(freeze: bool = False) -> Iterator[None]:
    """Run the block with the cyclic garbage collector off (if it was on), and turn it back on after.

    An inventory of 30,000 jobs makes millions of dicts, lists and strings while its listings are
    paced: the collector then runs a full collection each time the objects made since the last one
    reach a quarter of those that survived it, each a stop of every thread for a few tenths of a
    second, and each delays the paced requests waiting to leave (measured: the region with the most
    pages took 27.4 s instead of 23.9 s, and 3 s of CPU went to the collector). None of what the
    block makes is a cycle (JSON-shaped facts, freed by reference counting); the few cycles the
    HTTP layer may leave are collected once the collector is back on, unless frozen.

    With ``freeze``, what the block made (and everything else alive then) is frozen when it ends
    (``gc.freeze``), if it ended well: the inventory's hosts live until the process exits, and a full
    collection walked all of them again each time (0.34 s at 30,000 hosts, once more at exit) and,
    in every worker ansible-playbook forks, wrote to the pages it shares with the controller. This is
    the use ``gc.freeze`` is documented for (before forking without exec). Frozen objects are never
    collected: the HTTP layer's few cycles left by then stay (a collection after a parse of 30,000
    jobs found 79 objects), and what the block keeps must not become cyclic garbage later, which
    JSON-shaped facts held to the end of the run do not.
    """
    was_on = gc.isenabled()
    gc.disable()
    ended_well = False
    try:
        yield
        ended_well = True
    finally:
        if was_on:
            if freeze and ended_well:
                gc.freeze()
            gc.enable()
