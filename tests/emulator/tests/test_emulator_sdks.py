# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The official Alibaba Cloud clients, unchanged, against the emulator (see emulator_clients)."""

import pytest

from emulator_clients import CLIENTS, REFUSALS, REGION, Legacy, list_all
from emulator_data import default_job_specs

from conftest import TOKEN, expected_records, expected_status


@pytest.fixture(params=sorted(CLIENTS))
def make_client(request):
    return CLIENTS[request.param]


def refusal(client, call):
    with pytest.raises(REFUSALS) as caught:
        call()
    return client.refusal(caught.value)


@pytest.mark.parametrize('size', [10, 30])
def test_lists_every_record_of_the_region_exactly_once(emulator, specs, make_client, size):
    client = make_client(emulator.port)
    seen, total = list_all(client, size)
    expected = expected_records(specs, REGION)
    assert set(seen) == set(expected)
    assert total == len(expected)
    assert len(set(job_id for job_id, _direction in seen)) >= 25
    for (job_id, direction), instance in seen.items():
        spec = expected[(job_id, direction)]
        assert instance.synchronization_job_name == spec['name']
        assert instance.status == expected_status(spec, direction)
        assert instance.pay_type == spec['pay_type']
        assert dict((tag.key, tag.value) for tag in instance.tags) == spec['tags']
        assert isinstance(instance.delay, str) and instance.delay.isdigit()
        assert instance.source_endpoint.port == '3306'
        assert instance.precheck_status.detail is not None
        if spec['pay_type'] == 'PrePaid':
            assert instance.expire_time == spec['expire_time']
        if spec.get('error_message') and direction == 'Forward':
            assert instance.error_message == spec['error_message']


def test_reads_a_status_for_every_listed_id(emulator, specs, make_client):
    client = make_client(emulator.port)
    seen, _pages = list_all(client, 30)
    ids = sorted(set(job_id for job_id, _direction in seen))
    body = client.statuses(ids)
    assert str(body.success).lower() == 'true'
    assert body.total_record_count == len(ids)
    by_id = dict((entry.synchronization_job_id, entry) for entry in body.synchronization_job_list_status_list)
    assert sorted(by_id) == ids
    expected = expected_records(specs, REGION)
    for job_id, entry in by_id.items():
        directions = dict((info.synchronization_direction, info) for info in entry.synchronization_direction_info_list)
        assert set(directions) == set(direction for (other, direction) in expected if other == job_id)
        for direction, info in directions.items():
            assert info.status == expected_status(expected[(job_id, direction)], direction)
            assert info.checkpoint.isdigit()
    assert any(len(entry.synchronization_direction_info_list) == 2 for entry in by_id.values())


def test_a_wrong_secret_is_refused_with_signature_does_not_match(emulator, make_client):
    client = make_client(emulator.port, secret='not-the-secret')
    code, status = refusal(client, lambda: client.list_page(10, 1))
    assert status == 400
    if isinstance(client, Legacy):
        # The legacy SDK renames SignatureDoesNotMatch to InvalidAccessKeySecret only when the
        # server's string-to-sign, quoted in the message, equals its own: so this also proves
        # that the emulator builds exactly the SDK's V1 string-to-sign.
        assert code == 'InvalidAccessKeySecret'
    else:
        assert code == 'SignatureDoesNotMatch'
    assert emulator.log[-1]['code'] == 'SignatureDoesNotMatch'


def test_an_unknown_access_key_is_refused(emulator, make_client):
    client = make_client(emulator.port, key='LTAI-nobody-has-this')
    assert refusal(client, lambda: client.list_page(10, 1)) == ('InvalidAccessKeyId.NotFound', 404)


def test_page_size_25_is_an_invalid_parameter(emulator, make_client):
    client = make_client(emulator.port)
    assert refusal(client, lambda: client.list_page(25, 1)) == ('InvalidParameter', 400)


def test_a_status_list_without_ids_is_a_missing_parameter(emulator, make_client):
    client = make_client(emulator.port)
    assert refusal(client, lambda: client.statuses(None)) == ('MissingParameter', 400)


def test_an_sts_token_is_accepted_when_required(sts_emulator, make_client):
    client = make_client(sts_emulator.port, token=TOKEN)
    seen, _pages = list_all(client, 30)
    assert set(seen) == set(expected_records(default_job_specs(sts_emulator.started), REGION))
    ids = sorted(set(job_id for job_id, _direction in seen))
    assert client.statuses(ids).total_record_count == len(ids)


def test_a_missing_sts_token_is_refused_when_required(sts_emulator, make_client):
    client = make_client(sts_emulator.port)
    assert refusal(client, lambda: client.list_page(10, 1)) == ('MissingSecurityToken', 400)


def test_a_wrong_sts_token_is_refused(sts_emulator, make_client):
    client = make_client(sts_emulator.port, token='some-other-token')
    assert refusal(client, lambda: client.list_page(10, 1)) == ('InvalidSecurityToken.MismatchWithAccessKey', 403)
