# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
import gc

import pytest

from ansible_collections.alibabacloud.dts.plugins.plugin_utils._collector import collector_paused


@pytest.fixture
def collector_on():
    was_on = gc.isenabled()
    gc.enable()
    yield
    gc.unfreeze()
    if not was_on:
        gc.disable()


def test_the_collector_is_off_inside_and_back_on_after(collector_on):
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_the_collector_is_back_on_after_a_failure(collector_on):
    with pytest.raises(RuntimeError):
        with collector_paused():
            raise RuntimeError('listing failed')
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off(collector_on):
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_what_the_block_made_is_frozen_when_asked_and_only_then(collector_on):
    gc.unfreeze()
    with collector_paused():
        made = [{'job': index} for index in range(100)]
    assert gc.get_freeze_count() == 0
    with collector_paused(freeze=True):
        made = [[index] for index in range(100)]
    assert gc.get_freeze_count() >= len(made) and gc.isenabled()
    # Frozen: out of every generation the collector walks.
    assert all(tracked is not made[0] for tracked in gc.get_objects())


def test_a_block_that_failed_freezes_nothing(collector_on):
    gc.unfreeze()
    with pytest.raises(RuntimeError):
        with collector_paused(freeze=True):
            raise RuntimeError('listing failed')
    assert gc.get_freeze_count() == 0 and gc.isenabled()
