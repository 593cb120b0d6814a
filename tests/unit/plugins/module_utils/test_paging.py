# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""read_all_pages: every record once, whatever page size the service really enforces."""

import threading

import pytest

from ansible_collections.alibabacloud.dts.plugins.module_utils._paging import read_all_pages


class Service:
    """A numbered listing that holds at most ``cap`` records a page, whatever is asked for."""

    def __init__(self, count, cap=None, offset_by_asked=False):
        self.records = [{'id': 'job%04d' % index} for index in range(count)]
        self.cap = cap
        self.offset_by_asked = offset_by_asked
        self.asked = []

    def fetch(self, number, size):
        self.asked.append((number, size))
        held = min(size, self.cap or size)
        # Some services compute the offset from the size asked for, some from the size they enforce.
        start = (number - 1) * (size if self.offset_by_asked else held)
        page = self.records[start : start + held]
        return {'TotalRecordCount': len(self.records), 'Items': page}


def read(service, page_size):
    return read_all_pages(service.fetch, lambda page: page['Items'], lambda record: record['id'], page_size, 4)


@pytest.mark.parametrize('offset_by_asked', [False, True])
def test_a_silent_page_cap_still_returns_every_record_exactly_once(offset_by_asked):
    service = Service(95, cap=30, offset_by_asked=offset_by_asked)
    listed = read(service, 100)
    assert [record['id'] for record in listed] == [record['id'] for record in service.records]
    # Page 1 at the size asked; it held 30, so the rest are asked for at 30: 4 pages in all.
    assert sorted(service.asked) == [(1, 100), (2, 30), (3, 30), (4, 30)]


def test_an_honoured_page_size_is_kept():
    service = Service(95)
    assert len(read(service, 50)) == 95
    assert sorted(service.asked) == [(1, 50), (2, 50)]


def test_a_last_short_page_is_not_mistaken_for_a_cap():
    service = Service(20, cap=30)
    assert len(read(service, 30)) == 20
    assert service.asked == [(1, 30)]


@pytest.mark.parametrize('width', [1, 4])
def test_records_are_transformed_in_order_while_later_pages_are_awaited(width):
    events = []
    records = [{'id': 'dts%03d' % index} for index in range(50)]

    def fetch(number, size):
        events.append(('fetch', number))
        return {'TotalRecordCount': len(records), 'Items': records[(number - 1) * size : number * size]}

    def transform(record):
        events.append(('transform', record['id']))
        return record['id'].upper()

    result = read_all_pages(
        fetch, lambda page: page['Items'], lambda record: record['id'], 10, width, transform=transform
    )
    assert result == [record['id'].upper() for record in records]
    # Page 1's records are normalised before the last page is even asked for.
    assert events.index(('transform', 'dts009')) < events.index(('fetch', 5))
    assert [event[1] for event in events if event[0] == 'transform'] == [record['id'] for record in records]


@pytest.mark.parametrize('width', [1, 4])
def test_a_listing_that_finds_the_transform_lock_taken_asks_for_its_pages_and_transforms_later(width):
    # Another listing is making facts: this one must not wait for it to ask for its next pages.
    records = [{'id': 'dts%03d' % index} for index in range(50)]
    lock, every_page_asked = threading.Lock(), threading.Event()
    asked, transformed, listed = [], [], []

    def fetch(number, size):
        asked.append(number)
        if len(asked) == 5:
            every_page_asked.set()
        return {'TotalRecordCount': len(records), 'Items': records[(number - 1) * size : number * size]}

    def transform(record):
        transformed.append(record['id'])
        return record['id']

    def read_while_another_transforms():
        listed.extend(
            read_all_pages(
                fetch,
                lambda page: page['Items'],
                lambda record: record['id'],
                10,
                width,
                transform=transform,
                transform_lock=lock,
            )
        )

    lock.acquire()
    reader = threading.Thread(target=read_while_another_transforms)
    reader.start()
    try:
        assert every_page_asked.wait(30)
        assert transformed == []
    finally:
        lock.release()
    reader.join()
    assert sorted(asked) == [1, 2, 3, 4, 5]
    assert transformed == listed == [record['id'] for record in records]


def test_a_listing_that_does_not_add_up_still_raises_whatever_was_transformed():
    from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsApiError

    def fetch(number, size):
        return {
            'TotalRecordCount': 40,
            'Items': [{'id': 'x%d-%d' % (number, index)} for index in range(10)] if number != 2 else [{'id': 'short'}],
        }

    with pytest.raises(DtsApiError, match='page 2 of 4 holds 1 records'):
        read_all_pages(fetch, lambda page: page['Items'], lambda record: record['id'], 10, 1, transform=dict)
