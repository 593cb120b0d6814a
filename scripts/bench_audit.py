#!/usr/bin/env python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark: the audit playbook end to end, against the job count.

    make bench-audit      # or: .venv/bin/python scripts/bench_audit.py --jobs 1000,3221,10000,30000

Each row is one whole ``ansible-playbook -i <dts_sync_jobs inventory> playbooks/audit.yml``
process against the emulator holding that many jobs in five regions; the inventory also lists
a sixth region with no job, which the report must show with 0. Wall time is from spawn to exit;
peak memory is sampled from /proc every 50 ms over the whole process tree (ansible-playbook and
its workers): the sum of their proportional set sizes (PSS: a page the forks share counted once
in all), the sum of their resident sets (RSS: counted again in every fork that maps it, so an
overstatement), and the largest single process's kernel-reported peak RSS. The emulator's CPU
time during the run is shown apart: it is not the collection's, but it shares the machine's CPUs
and the listing waits for its answers.
Every report is checked against the generated jobs: the records per region and status, the
empty region's row, the failed, delayed and expiring findings.

With ``--monitor-rules`` the inventory reads every job's alert rules (one DescribeJobMonitorRule
request per job, paced at 10 a second per account and region) and the report's alert findings are
checked too; each row then also says how many of those requests the emulator answered, and the
pacing bound: the wall time the pacing alone imposes on the region with the most jobs.

    .venv/bin/python scripts/bench_audit.py --jobs 3000 --monitor-rules
"""

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from urllib.request import urlopen

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)
REGIONS = ('cn-hangzhou', 'cn-beijing', 'cn-shanghai', 'ap-southeast-1', 'cn-shenzhen')
# --layout ten: ten regions, the first holding LARGEST_REGION jobs (of 30,000), the rest shared evenly.
TEN_REGIONS = REGIONS + ('cn-qingdao', 'cn-zhangjiakou', 'cn-huhehaote', 'cn-hongkong', 'ap-northeast-1')
LARGEST_REGION = 12000
EMPTY_REGION = 'us-west-1'
PAGE_SIZE = os.sysconf('SC_PAGE_SIZE')


def iso(moment):
    return moment.strftime('%Y-%m-%dT%H:%M:%SZ')


def region_of(index, count, regions):
    """Five regions round robin; ten regions with LARGEST_REGION jobs in the first (when it is less than
    half the jobs: 12,000 of 30,000), the others sharing the rest evenly."""
    if len(regions) == len(REGIONS) or count < 2 * LARGEST_REGION:
        return regions[index % len(regions)]
    return regions[0] if index < LARGEST_REGION else regions[1 + index % (len(regions) - 1)]


def job_specs(count, now, regions=REGIONS):
    """``count`` synchronization jobs over ``regions``, a third of them made the current way: mostly
    synchronizing, with every kind of finding among them."""
    specs = []
    for index in range(count):
        spec = {
            'id': 'dtsaudit%09d' % index,
            'region': region_of(index, count, regions),
            'name': 'audit-%s-%d' % (('prod', 'staging', 'dev')[index % 3], index),
            'tags': {'env': ('prod', 'staging', 'dev')[index % 3]},
            'status': 'Synchronizing',
            'delay': index % 7,
            # Both API families: a job made the current way is listed by DescribeDtsJobs only,
            # one made the legacy way by both (and audited once).
            'origin': 'current' if index % 3 == 1 else 'legacy',
        }
        kind = index % 20
        if kind == 1:
            spec.update(status='Failed', error_message='DTS-070211: Connect Source DB failed (job %d)' % index)
        elif kind == 2:
            spec.update(
                status='PrecheckFailed',
                error_message='Precheck failed: CHECK_CONN_SRC',
                delay=0,
                precheck_failures=[
                    {
                        'item': 'CHECK_CONN_SRC',
                        'error': 'Access denied (job %d)' % index,
                        'repair': 'CHECK_ERROR_DEST_CONN_REPAIR2',
                    }
                ],
            )
        elif kind == 3:
            spec.update(status='Initializing', delay=0)
        elif kind == 4:
            spec.update(delay=900 + index)
        elif kind == 5:
            spec.update(pay_type='PrePaid', expire_time=iso(now + timedelta(days=3)))
        elif kind == 6:
            spec.update(pay_type='PrePaid', expire_time=iso(now + timedelta(days=200)))
        elif kind == 7:
            spec.update(status='synchronizing')
        if index % 50 == 9:
            spec.update(two_way=True, reverse_status='Synchronizing')
        spec['monitor_rules'] = ALERT_SCENARIOS[index % len(ALERT_SCENARIOS)]
        specs.append(spec)
    return specs


# The jobs' alert rules, in turn: watched (no finding), delay alert off, a delay alert above the audit's
# 300 s, no rule at all. Only the first makes no alert finding.
ALERT_SCENARIOS = (
    [{'type': 'delay', 'enabled': True, 'delay': 60}, {'type': 'error', 'enabled': True}],
    [{'type': 'delay', 'enabled': False, 'delay': 60}, {'type': 'error', 'enabled': True}],
    [{'type': 'delay', 'enabled': True, 'delay': 3600}, {'type': 'error', 'enabled': True}],
    [],
)
# Requests a second the collection sends DescribeJobMonitorRule at (plugins/module_utils/_pacing.py),
# each a tenth longer apart than the rate asks.
MONITOR_RULE_RATE = 10
PACING_MARGIN = 0.1


def pacing_bound(specs):
    """Seconds the alert rule requests take at least: the region with the most jobs, paced."""
    per_region = Counter(spec['region'] for spec in specs)
    return (max(per_region.values()) - 1) * (1 + PACING_MARGIN) / MONITOR_RULE_RATE if per_region else 0.0


def emulator_counters(endpoint):
    with urlopen(endpoint + '/_emulator/counters') as answer:
        return json.loads(answer.read().decode('utf-8'))


def expected_records(specs):
    """One (region, status, failed?, delayed?, expiring?) per listing record: two for a two-way job."""
    records = []
    for spec in specs:
        status = 'Synchronizing' if spec['status'].lower() == 'synchronizing' else spec['status']
        records.append(
            {
                'region': spec['region'],
                'status': status,
                'failed': status in ('Failed', 'PrecheckFailed'),
                'delayed': spec.get('delay', 0) > 300,
                'expiring': spec.get('pay_type') == 'PrePaid'
                and spec['expire_time'] < iso(datetime.now(timezone.utc) + timedelta(days=14)),
            }
        )
        if spec.get('two_way'):
            records.append(
                {
                    'region': spec['region'],
                    'status': spec['reverse_status'],
                    'failed': False,
                    'delayed': False,
                    'expiring': records[-1]['expiring'],
                }
            )
    return records


def start_emulator(work, specs):
    data = os.path.join(work, 'jobs.json')
    with open(data, 'w') as handle:
        json.dump({'jobs': specs}, handle)
    port_file = os.path.join(work, 'port')
    if os.path.exists(port_file):
        os.remove(port_file)
    process = subprocess.Popen(
        [
            sys.executable,
            os.path.join(ROOT, 'tests', 'emulator', 'dts_emulator.py'),
            '--port',
            '0',
            '--port-file',
            port_file,
            '--data',
            data,
            '--quiet',
        ],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while not os.path.exists(port_file):
        if time.monotonic() > deadline or process.poll() is not None:
            raise SystemExit('the emulator did not start')
        time.sleep(0.05)
    with open(port_file) as handle:
        return process, 'http://127.0.0.1:%s' % handle.read().strip()


def tree_memory(root_pid):
    """(RSS, PSS) in bytes of ``root_pid`` and all its descendants, from /proc.

    RSS counts a page every process maps, so forked workers count the parent's pages again;
    PSS divides each shared page among the processes that share it: their real footprint.
    """
    children = {}
    for name in os.listdir('/proc'):
        if not name.isdigit():
            continue
        try:
            with open('/proc/%s/stat' % name) as handle:
                fields = handle.read().rsplit(')', 1)[1].split()
        except (IOError, OSError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(name))
    rss = pss = 0
    todo = [root_pid]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            with open('/proc/%d/smaps_rollup' % pid) as handle:
                for line in handle:
                    if line.startswith('Rss:'):
                        rss += int(line.split()[1]) * 1024
                    elif line.startswith('Pss:'):
                        pss += int(line.split()[1]) * 1024
        except (IOError, OSError):
            continue
    return rss, pss


# What the audit costs beyond Ansible and the inventory: a play over the same inventory doing nothing.
NOTHING_PLAY = """
- name: The inventory alone
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Nothing
      ansible.builtin.meta: noop
"""


def process_cpu(pid):
    """User + system CPU seconds ``pid`` has used so far (from /proc), or 0 when it cannot be read."""
    try:
        with open('/proc/%d/stat' % pid) as handle:
            fields = handle.read().rsplit(')', 1)[1].split()
    except (IOError, OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / float(os.sysconf('SC_CLK_TCK'))


def run_audit(playbook_bin, inventory, output, env, playbook=None, emulator=None, command=None):
    command = command or [
        playbook_bin,
        '-i',
        inventory,
        playbook or os.path.join(ROOT, 'playbooks', 'audit.yml'),
        '-e',
        'dts_audit_output_dir=%s' % output,
    ]
    emulator_cpu = process_cpu(emulator.pid) if emulator else 0.0
    started = time.monotonic()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=ROOT)
    peak = [0, 0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            rss, pss = tree_memory(process.pid)
            peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
            done.wait(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    output_text = process.stdout.read()
    status, usage = os.wait4(process.pid, 0)[1:]
    wall = time.monotonic() - started
    done.set()
    sampler.join()
    return {
        'wall': wall,
        'cpu': usage.ru_utime + usage.ru_stime,
        'tree_mb': peak[0] / 1048576.0,
        'emulator_cpu': (process_cpu(emulator.pid) - emulator_cpu) if emulator else 0.0,
        'pss_mb': peak[1] / 1048576.0,
        'max_process_mb': usage.ru_maxrss / 1024.0,
        'status': status,
        'output': output_text.decode('utf-8', 'replace'),
    }


def check_report(output, specs, monitor_rules=False):
    """Problems with the report, as a list of sentences (empty when it is exact)."""
    records = expected_records(specs)
    problems = []
    with open(os.path.join(output, 'dts-audit-summary.csv'), newline='', encoding='utf-8') as handle:
        summary = list(csv.DictReader(handle))
    counted = Counter(dict(((row['region'], row['status']), int(row['records'])) for row in summary if row['status']))
    expected = Counter((record['region'], record['status']) for record in records)
    if counted != expected:
        differing = sorted((counted - expected) + (expected - counted))
        problems.append('records per region and status differ: %s' % differing)
    empty = [row for row in summary if row['region'] == EMPTY_REGION]
    if [(row['status'], row['records']) for row in empty] != [('', '0')]:
        problems.append('the empty region %s is not listed with 0: %r' % (EMPTY_REGION, empty))
    with open(os.path.join(output, 'dts-audit.csv'), newline='', encoding='utf-8') as handle:
        reasons = Counter(row['reason'] for row in csv.DictReader(handle))
    for reason, key in (('failed', 'failed'), ('delay', 'delayed'), ('expiring', 'expiring')):
        want = sum(1 for record in records if record[key])
        if reasons[reason] != want:
            problems.append('%d %s findings, expected %d' % (reasons[reason], reason, want))
    # One alert finding per job (a two-way job's directions share its task) whose rules are not the first
    # scenario's; none without monitor_rules.
    want = sum(1 for spec in specs if spec['monitor_rules'] != ALERT_SCENARIOS[0]) if monitor_rules else 0
    if reasons['alert'] != want:
        problems.append('%d alert findings, expected %d' % (reasons['alert'], want))
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--jobs', default='1000,3221,10000,30000', help='job counts, one row each')
    parser.add_argument(
        '--ansible-playbook',
        default=os.path.join(BIN, 'ansible-playbook'),
        help='the ansible-playbook to measure (another virtualenv for another ansible-core)',
    )
    parser.add_argument(
        '--keyed-groups',
        action='store_true',
        help='group hosts by the env tag in the inventory, as the demo inventory does',
    )
    parser.add_argument(
        '--baseline',
        action='store_true',
        help='also time a play that does nothing over the same inventory (start-up and inventory alone)',
    )
    parser.add_argument(
        '--monitor-rules',
        action='store_true',
        help="read every job's alert rules in the inventory (monitor_rules: true)",
    )
    parser.add_argument(
        '--layout',
        choices=['five', 'ten'],
        default='five',
        help='five regions round robin, or ten with %d jobs in the largest' % LARGEST_REGION,
    )
    parser.add_argument(
        '--inventory-list',
        action='store_true',
        help='also measure ansible-inventory --list alone, and with --export: wall time, peak memory per 1,000 hosts',
    )
    parser.add_argument('--output', help='also write the report (Markdown) here')
    args = parser.parse_args()
    regions = TEN_REGIONS if args.layout == 'ten' else REGIONS
    from math import ceil

    # The pacing floor of a region: its first page, then a pacing interval per page after it (each
    # family's listing is paced on its own: they are different actions).
    interval = 1.1 / 20

    work = tempfile.mkdtemp(prefix='dts-bench-audit-')
    collections = os.path.join(work, 'collections')
    os.makedirs(os.path.join(collections, 'ansible_collections', 'alibabacloud'))
    os.symlink(ROOT, os.path.join(collections, 'ansible_collections', 'alibabacloud', 'dts'))
    inventory = os.path.join(work, 'bench.dts_sync_jobs.yml')
    with open(inventory, 'w') as handle:
        config = {'plugin': 'alibabacloud.dts.dts_sync_jobs', 'regions': list(regions) + [EMPTY_REGION]}
        if args.keyed_groups:
            config['keyed_groups'] = [{'key': "dts_tags.env | default('untagged')", 'prefix': 'env'}]
        if args.monitor_rules:
            config['monitor_rules'] = True
        json.dump(config, handle)
    nothing = os.path.join(work, 'nothing.yml')
    with open(nothing, 'w') as handle:
        handle.write(NOTHING_PLAY)
    version = subprocess.check_output([args.ansible_playbook, '--version']).decode().splitlines()[0]
    python = (
        subprocess.check_output(
            [
                os.path.join(os.path.dirname(args.ansible_playbook), 'python'),
                '-c',
                'import sys; print(sys.version.split()[0])',
            ]
        )
        .decode()
        .strip()
    )
    rows = []
    for count in [int(value) for value in args.jobs.split(',')]:
        specs = job_specs(count, datetime.now(timezone.utc), regions)
        emulator, endpoint = start_emulator(work, specs)
        try:
            env = dict(
                os.environ,
                ALIBABA_CLOUD_ACCESS_KEY_ID='dts-emulator-ak',
                ALIBABA_CLOUD_ACCESS_KEY_SECRET='dts-emulator-secret',
                ALIBABA_CLOUD_REGION_ID=REGIONS[0],
                ALIBABA_CLOUD_ENDPOINT_DTS=endpoint,
                ANSIBLE_COLLECTIONS_PATH=collections,
                ANSIBLE_PYTHON_INTERPRETER=os.path.join(os.path.dirname(args.ansible_playbook), 'python'),
                ANSIBLE_LOCALHOST_WARNING='false',
                ANSIBLE_INVENTORY_UNPARSED_WARNING='false',
                ANSIBLE_NOCOLOR='1',
            )
            output = os.path.join(work, 'report-%d' % count)
            row = run_audit(args.ansible_playbook, inventory, output, env, emulator=emulator)
            row['monitor_rule_requests'] = emulator_counters(endpoint)['by_action'].get('DescribeJobMonitorRule', 0)
            row['pacing_bound'] = pacing_bound(specs) if args.monitor_rules else 0.0
            biggest, largest = Counter(spec['region'] for spec in specs).most_common(1)[0]
            # DescribeDtsJobs lists every job of the region (a record each); the legacy listing those made
            # the legacy way (a record per direction): the larger listing sets the floor.
            legacy = sum(
                (2 if spec.get('two_way') else 1)
                for spec in specs
                if spec['region'] == biggest and spec['origin'] == 'legacy'
            )
            row['floor'] = (ceil(max(largest, legacy) / 30.0) - 1) * interval
            if args.inventory_list:
                # --export: each host's own variables, the groups' once (without it, ansible-inventory
                # repeats the variables of every group a host is in, dts_regions of the group all
                # among them, on every host).
                for key, flags in (('list', ['--list']), ('export', ['--list', '--export'])):
                    row[key] = run_audit(
                        None,
                        None,
                        None,
                        env,
                        emulator=emulator,
                        command=[
                            os.path.join(os.path.dirname(args.ansible_playbook), 'ansible-inventory'),
                            '-i',
                            inventory,
                        ]
                        + flags
                        + ['--output', os.path.join(work, '%s-%d.json' % (key, count))],
                    )
            if args.baseline:
                row['baseline'] = run_audit(
                    args.ansible_playbook, inventory, output + '-nothing', env, nothing, emulator=emulator
                )
        finally:
            emulator.terminate()
            emulator.wait()
        row['jobs'] = count
        row['records'] = len(expected_records(specs))
        if row['status']:
            row['problems'] = ['ansible-playbook exited with %d' % row['status']]
        else:
            row['problems'] = check_report(output, specs, args.monitor_rules)
            if args.monitor_rules and row['monitor_rule_requests'] != len(specs):
                row['problems'].append(
                    '%d DescribeJobMonitorRule requests for %d jobs' % (row['monitor_rule_requests'], len(specs))
                )
        if row['problems']:
            sys.stderr.write(row['output'][-3000:] + '\n' + '\n'.join(row['problems']) + '\n')
        rows.append(row)
        print(
            '%d jobs: %.1f s, %.1f s CPU, %.0f MB PSS (tree), %.0f MB RSS (tree), %.0f MB (largest process), '
            'emulator %.1f s CPU, %s; pacing floor of the largest region %.1f s: %.2fx%s'
            % (
                count,
                row['wall'],
                row['cpu'],
                row['pss_mb'],
                row['tree_mb'],
                row['max_process_mb'],
                row['emulator_cpu'],
                'exact' if not row['problems'] else 'WRONG',
                row['floor'],
                row['wall'] / row['floor'] if row['floor'] else 0,
                '; %d DescribeJobMonitorRule requests, pacing bound %.1f s'
                % (row['monitor_rule_requests'], row['pacing_bound'])
                if args.monitor_rules
                else '',
            )
        )
        for key, label in (('list', '--list'), ('export', '--list --export')):
            if key in row:
                print(
                    '  ansible-inventory %s: %.1f s wall (%.2fx the floor), %.1f s CPU, emulator %.1f s CPU, '
                    'peak RSS %.0f MB: %.1f MB per 1,000 hosts'
                    % (
                        label,
                        row[key]['wall'],
                        row[key]['wall'] / row['floor'] if row['floor'] else 0,
                        row[key]['cpu'],
                        row[key]['emulator_cpu'],
                        row[key]['max_process_mb'],
                        row[key]['max_process_mb'] * 1000.0 / row['records'],
                    )
                )
        sys.stdout.flush()

    lines = [
        '%s, Python %s; %d CPUs. Jobs in %d regions, plus %s listed and empty; inventory %s%s.'
        % (
            version,
            python,
            os.cpu_count(),
            len(regions),
            EMPTY_REGION,
            'with keyed_groups on the env tag' if args.keyed_groups else 'with regions only',
            ', monitor_rules: true' if args.monitor_rules else '',
        ),
        '',
        '| jobs | records | wall s | CPU s | wall s per 1,000 records | peak PSS MB, process tree '
        '| peak RSS MB, process tree | peak RSS MB, largest process | emulator CPU s | exact |'
        + (' inventory alone: wall s, CPU s, PSS MB |' if args.baseline else '')
        + (' DescribeJobMonitorRule requests | pacing bound s |' if args.monitor_rules else ''),
        '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |'
        + (' ---: |' if args.baseline else '')
        + (' ---: | ---: |' if args.monitor_rules else ''),
    ]
    for row in rows:
        lines.append(
            '| {:,} | {:,} | {:.1f} | {:.1f} | {:.2f} | {:.0f} | {:.0f} | {:.0f} | {:.1f} | {} |'.format(
                row['jobs'],
                row['records'],
                row['wall'],
                row['cpu'],
                row['wall'] * 1000.0 / row['records'],
                row['pss_mb'],
                row['tree_mb'],
                row['max_process_mb'],
                row['emulator_cpu'],
                'yes' if not row['problems'] else 'NO: ' + '; '.join(row['problems']),
            )
            + (
                ' {:.1f}, {:.1f}, {:.0f} |'.format(
                    row['baseline']['wall'], row['baseline']['cpu'], row['baseline']['pss_mb']
                )
                if args.baseline
                else ''
            )
            + (
                ' {:,} | {:.1f} |'.format(row['monitor_rule_requests'], row['pacing_bound'])
                if args.monitor_rules
                else ''
            )
        )
    report = '\n'.join(lines)
    shutil.rmtree(work, ignore_errors=True)
    print(report)
    if args.output:
        with open(args.output, 'w') as handle:
            handle.write(report + '\n')
    return 0 if all(not row['problems'] for row in rows) else 1


if __name__ == '__main__':
    sys.exit(main())
