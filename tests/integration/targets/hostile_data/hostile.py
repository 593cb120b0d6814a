"""Hostile job data, and the checks that it stayed data.

Every text DTS returns (job names, tag keys and values, error messages, precheck items, endpoint
fields, statuses, ids, a refused region's message) is a template that would leave a file in the
canary directory if anything evaluated it, or an unbalanced Jinja delimiter that would break a
template built from it. runme.sh loads the jobs into the emulator, runs every face of the collection
over them and calls the checks here: no canary file, and each hostile text back verbatim.

    hostile.py jobs CANARY_DIR                the job specs (JSON) for POST /_emulator/jobs
    hostile.py refusal CANARY_DIR             the emulator config of the refused region (JSON)
    hostile.py timelines CANARY_DIR           the EDA jobs' timelines (JSON: {job id: steps})
    hostile.py no-canary CANARY_DIR FACE      fails, naming FACE, if any template ran
    hostile.py modules CANARY_DIR FILE        the modules' and the role's results (faces.yml)
    hostile.py inventory CANARY_DIR FILE      ansible-inventory --list --export
    hostile.py hosts CANARY_DIR FILE          what a play over the inventory's hosts saw (hosts.yml)
    hostile.py audit CANARY_DIR DIR           the audit's Markdown and CSV reports
    hostile.py incidents CANARY_DIR DIR LOG   the rulebook's incident notes and its output
"""

import csv
import html
import json
import os
import sys

# The region the modules, the inventory and the audit read; the refused one; the one the rulebook watches.
REGION, REFUSED_REGION, EDA_REGION = 'cn-hangzhou', 'cn-beijing', 'ap-southeast-1'
# Jinja delimiters left open or closed alone, and an expression whose evaluation would show (as 49).
UNBALANCED = ['{{ unbalanced', '{% if', '{# comment', '}} closing', '{%- raw %}', '{{ 7 * 7 }}']


def lookup(canary_dir, face):
    """A template that, evaluated, creates CANARY_DIR/FACE."""
    return "{{ lookup('ansible.builtin.pipe', 'touch %s/%s') }}" % (canary_dir, face)


def texts(canary):
    """Every hostile text by the field it goes into."""
    return {
        'name': lookup(canary, 'name'),
        'error': lookup(canary, 'error'),
        'tag_key': lookup(canary, 'tag-key'),
        'tag_value': lookup(canary, 'tag-value'),
        'unbalanced_name': UNBALANCED[0],
        'precheck_error': UNBALANCED[1] + ' ' + lookup(canary, 'precheck-error'),
        'repair': lookup(canary, 'repair'),
        'tag_comment': UNBALANCED[2],
        'closing_name': UNBALANCED[3] + ' ' + UNBALANCED[4],
        'evaluated': UNBALANCED[5],
        'current_name': lookup(canary, 'current-name'),
        'current_error': UNBALANCED[1] + ' ' + lookup(canary, 'current-error'),
        'engine': lookup(canary, 'engine'),
        'database': UNBALANCED[0],
        'user': lookup(canary, 'user'),
        'status': lookup(canary, 'status'),
        'job_id': 'dts' + lookup(canary, 'job-id'),
        'refusal': lookup(canary, 'refusal') + ' ' + UNBALANCED[0],
        'eda_name': lookup(canary, 'eda-name'),
        'eda_error': lookup(canary, 'eda-error'),
        'eda_status': lookup(canary, 'eda-status'),
        'eda_job_id': 'dts' + lookup(canary, 'eda-job-id'),
        'eda_current_name': UNBALANCED[1],
        'eda_current_error': lookup(canary, 'eda-current-error'),
        'eda_delay_name': lookup(canary, 'eda-delay-name'),
    }


def jobs(canary):
    text = texts(canary)
    return [
        # Legacy-made (both families list them), in the region the modules and the inventory read.
        {
            'id': 'dtshostile0001',
            'region': REGION,
            'name': text['name'],
            'status': 'Failed',
            'error_message': text['error'],
            'tags': {'env': text['tag_value'], text['tag_key']: 'x', 'math': text['evaluated']},
        },
        {
            'id': 'dtshostile0002',
            'region': REGION,
            'name': text['unbalanced_name'],
            'status': 'PrecheckFailed',
            'precheck_failures': [
                {'item': 'CHECK_CONN_SRC', 'error': text['precheck_error'], 'repair': text['repair']}
            ],
            'tags': {'env': text['tag_comment']},
        },
        {
            'id': 'dtshostile0003',
            'region': REGION,
            'name': text['closing_name'],
            'status': 'Synchronizing',
            'delay': 4000,
        },
        {'id': 'dtshostile0005', 'region': REGION, 'name': 'hostile-status', 'status': text['status']},
        {
            'id': text['job_id'],
            'dts_job_id': 'hostileid01',
            'region': REGION,
            'name': 'hostile-id',
            'status': 'Synchronizing',
        },
        # Made the current way: only dts_job_info and the current family see it, endpoints included.
        {
            'id': 'dtshostilecur1',
            'region': REGION,
            'origin': 'current',
            'name': text['current_name'],
            'status': 'Failed',
            'error_message': text['current_error'],
            'source_endpoint': {
                'EngineName': text['engine'],
                'DatabaseName': text['database'],
                'UserName': text['user'],
            },
        },
        # What the rulebook watches: each fails (or lags) once the watch has looked (timelines below).
        {
            'id': 'dtseda0000001',
            'region': EDA_REGION,
            'name': text['eda_name'],
            'status': 'Synchronizing',
            'tags': {'env': text['tag_value']},
        },
        {'id': 'dtseda0000002', 'region': EDA_REGION, 'name': 'eda-hostile-status', 'status': text['eda_status']},
        # The control API finds it by its plain DtsJobId: its id has a slash.
        {
            'id': text['eda_job_id'],
            'dts_job_id': 'edahostileid1',
            'region': EDA_REGION,
            'name': 'eda-hostile-id',
            'status': 'Synchronizing',
        },
        {
            'id': 'dtsedacur0001',
            'region': EDA_REGION,
            'origin': 'current',
            'name': text['eda_current_name'],
            'status': 'Synchronizing',
        },
        {
            'id': 'dtseda0000003',
            'region': EDA_REGION,
            'name': text['eda_delay_name'],
            'status': 'Synchronizing',
            'delay': 1,
        },
    ]


def timelines(canary):
    text = texts(canary)
    # A few reads after the rulebook starts (each look reads every job once per family): the first look
    # is the watch's baseline, a later one sees the change.
    failed = {'status': 'Failed', 'after_polls': 4}
    return {
        'dtseda0000001': [dict(failed, error_message=text['eda_error'])],
        'dtseda0000002': [dict(failed, error_message=UNBALANCED[0])],
        'edahostileid1': [dict(failed, error_message=text['eda_error'])],
        'dtsedacur0001': [dict(failed, error_message=text['eda_current_error'])],
        'dtseda0000003': [{'delay': 400, 'after_polls': 4}],
    }


def no_canary(canary, face):
    ran = sorted(os.listdir(canary))
    if ran:
        sys.exit('%s evaluated hostile templates: %s appeared in %s' % (face, ', '.join(ran), canary))


def expect(condition, message):
    if not condition:
        sys.exit(message)


def contains_verbatim(haystack, needles, where):
    for needle in needles:
        expect(needle in haystack, '%s does not hold %r verbatim' % (where, needle))


def by(records, key):
    return dict((record.get(key), record) for record in records)


def check_modules(canary, path):
    text = texts(canary)
    with open(path, encoding='utf-8') as handle:
        results = json.load(handle)
    legacy = by(results['legacy']['jobs'], 'synchronization_job_id')
    job = legacy['dtshostile0001']
    expect(job['synchronization_job_name'] == text['name'], 'dts_sync_job_info changed a name: %r' % job)
    expect(job['error_message'] == text['error'], 'dts_sync_job_info changed an error message')
    expect(
        job['tags'] == {'env': text['tag_value'], text['tag_key']: 'x', 'math': text['evaluated']},
        'dts_sync_job_info changed tags: %r' % job['tags'],
    )
    precheck = legacy['dtshostile0002']['precheck_status']['detail']
    failed = [item for item in precheck if item.get('check_status') == 'Failed']
    expect(
        len(failed) == 1
        and (failed[0].get('error_message'), failed[0].get('repair_method'))
        == (text['precheck_error'], text['repair']),
        'dts_sync_job_info changed a precheck item: %r' % failed,
    )
    expect(legacy['dtshostile0003']['synchronization_job_name'] == text['closing_name'], 'a closing name changed')
    expect(legacy['dtshostile0005']['status'] == text['status'], 'a hostile status changed')
    expect(text['job_id'] in legacy, 'a hostile job id is missing or changed')
    current = by(results['current']['jobs'], 'dts_instance_id')
    job = current['dtshostilecur1']
    expect(
        job['dts_job_name'] == text['current_name'] and job['error_message'] == text['current_error'],
        'dts_job_info changed a name or an error message: %r' % job,
    )
    endpoint = job['source_endpoint']
    expect(
        (endpoint.get('engine_name'), endpoint.get('database_name'), endpoint.get('user_name'))
        == (text['engine'], text['database'], text['user']),
        'dts_job_info changed an endpoint: %r' % endpoint,
    )
    statuses = dict((entry['synchronization_job_id'], entry) for entry in results['statuses']['jobs'])
    expect(statuses['dtshostile0005']['status'] == text['status'], 'dts_sync_status_info changed a status')
    expect(
        text['error'] in results['role_failed'],
        'the role did not report the error message verbatim: %r' % results['role_failed'],
    )
    expect(
        text['status'] in results['role_timed_out'],
        'the role did not report the status verbatim: %r' % results['role_timed_out'],
    )


def _untrusted(value, trusted, path='vars'):
    """``value`` of ansible-inventory's JSON with the strings it marks untrusted ({"__ansible_unsafe": text})
    unwrapped; the path of every string it leaves unmarked (one it would template) is added to ``trusted``."""
    if isinstance(value, dict):
        if set(value) == {'__ansible_unsafe'}:
            return value['__ansible_unsafe']
        return dict((key, _untrusted(item, trusted, '%s.%s' % (path, key))) for key, item in value.items())
    if isinstance(value, list):
        return [_untrusted(item, trusted, path + '[]') for item in value]
    if isinstance(value, str):
        trusted.append('%s = %r' % (path, value))
    return value


def _hostvars_by_id(inventory):
    hosts = {}
    for name, variables in inventory['_meta']['hostvars'].items():
        hosts[variables.get('dts_instance_id') or variables.get('dts_synchronization_job_id')] = (name, variables)
    return hosts


def check_inventory(canary, path):
    text = texts(canary)
    with open(path, encoding='utf-8') as handle:
        inventory = json.load(handle)
    # ansible-inventory marks each string that ansible-core would not template; every one the plugin set
    # must be marked (the keys of dictionaries, such as tag keys, are never templated).
    trusted = []
    inventory['_meta']['hostvars'] = _untrusted(inventory['_meta']['hostvars'], trusted, 'hostvars')
    inventory['all']['vars'] = _untrusted(inventory['all']['vars'], trusted, 'all')
    expect(not trusted, 'the inventory left strings trusted as templates: %s' % '; '.join(trusted[:5]))
    hosts = _hostvars_by_id(inventory)
    name, variables = hosts['dtshostile0001']
    expect(name == text['name'], 'the host is not named by its job name verbatim: %r' % name)
    expect(
        variables['dts_job_name'] == text['name'] and variables['dts_error_message'] == text['error'],
        'the inventory changed a name or an error message: %r' % variables,
    )
    expect(
        variables['dts_tags'] == {'env': text['tag_value'], text['tag_key']: 'x', 'math': text['evaluated']},
        'the inventory changed tags: %r' % variables['dts_tags'],
    )
    expect(
        variables['hostile_label'] == text['tag_value'] + ' / ' + text['name'],
        'a composed variable is not its parts verbatim: %r' % variables['hostile_label'],
    )
    expect(hosts['dtshostile0002'][0] == text['unbalanced_name'], 'an unbalanced name did not name its host')
    expect(hosts['dtshostile0003'][0] == text['closing_name'], 'a closing name did not name its host')
    expect(hosts['dtshostile0005'][1]['dts_status'] == text['status'], 'the inventory changed a status')
    expect(text['job_id'] in hosts, 'a job with a hostile id is missing')
    source = hosts['dtshostilecur1'][1]['dts_source_endpoint']
    expect(
        (source.get('engine_name'), source.get('user_name')) == (text['engine'], text['user']),
        'the inventory changed an endpoint: %r' % source,
    )
    regions = inventory['all']['vars']['dts_regions']
    refused = [entry for entry in regions if entry['region'] == REFUSED_REGION]
    expect(
        refused and refused[0]['refused'] and text['refusal'] in refused[0]['message'],
        'dts_regions does not hold the refusal message verbatim: %r' % regions,
    )
    refused = inventory['all']['vars']['dts_refused_regions']
    expect(text['refusal'] in refused[0]['message'], 'dts_refused_regions changed the refusal message')
    # keyed_groups and groups made groups of the hostile values (sanitised names), and ran nothing.
    groups = set(inventory) - {'_meta'}
    expect(
        any(group.startswith('env_') and 'lookup' in group for group in groups),
        'no keyed group from a hostile tag value: %s' % sorted(groups),
    )
    expect(
        set(inventory.get('hostile_errors', {}).get('hosts', [])) >= {text['name']},
        'the groups expression did not read the error message as text',
    )


def check_hosts(canary, path):
    text = texts(canary)
    with open(path, encoding='utf-8') as handle:
        seen = json.load(handle)
    expect(
        seen[text['name']]
        == {
            'name': text['name'],
            'error': text['error'],
            'label': text['tag_value'] + ' / ' + text['name'],
            'line': text['name'] + ': ' + text['error'],
        },
        'a play over the hosts saw %r' % seen[text['name']],
    )
    for name in (text['unbalanced_name'], text['closing_name']):
        expect(seen[name]['name'] == name, 'a play over the hosts saw %r for %r' % (seen[name], name))
    expect(seen[text['current_name']]['error'] == text['current_error'], 'a play changed an error message')


def check_audit(canary, directory):
    text = texts(canary)
    with open(os.path.join(directory, 'dts-audit.md'), encoding='utf-8') as handle:
        # The Markdown report may escape HTML; unescaped, it must hold the texts as DTS gave them.
        markdown = html.unescape(handle.read())
    wanted = [
        text['name'],
        text['error'],
        text['unbalanced_name'],
        text['precheck_error'],
        text['repair'],
        text['closing_name'],
        text['current_name'],
        text['refusal'],
    ]
    contains_verbatim(markdown, wanted, 'dts-audit.md')
    # The hostile status heads a column of the table of records per status, and its job is counted there.
    lines = markdown.splitlines()
    header = next(index for index, line in enumerate(lines) if text['status'] in line and line.startswith('|'))
    headings = [cell.strip() for cell in lines[header].strip('|').split(' | ')]
    row = next(line for line in lines[header + 2 :] if line.startswith('| %s |' % REGION))
    counts = dict(zip(headings, [cell.strip() for cell in row.strip('|').split(' | ')]))
    expect(counts.get(text['status']) == '1', 'the hostile status is not counted under its heading: %r' % counts)
    with open(os.path.join(directory, 'dts-audit.csv'), newline='', encoding='utf-8') as handle:
        cells = set(cell for row in csv.reader(handle) for cell in row)
    # A cell is the text, or (CSV neutralisation) the text behind a quote; the texts here start with a brace.
    for needle in wanted:
        expect(any(needle in cell for cell in cells), 'dts-audit.csv does not hold %r verbatim' % needle)


def check_incidents(canary, directory, log_path):
    text = texts(canary)
    with open(log_path, encoding='utf-8') as handle:
        log = handle.read()

    def note(job_id):
        with open(os.path.join(directory, 'dts-incident-%s-forward.md' % job_id), encoding='utf-8') as handle:
            return handle.read()

    first = note('dtseda0000001')
    contains_verbatim(first, [text['eda_name'], text['eda_error'], 'Synchronizing -> Failed'], 'the first note')
    second = note('dtseda0000002')
    # A hostile status before is not passed to the playbook: the rulebook says "unknown".
    contains_verbatim(second, ['unknown -> Failed', UNBALANCED[0]], 'the note of the job with a hostile status')
    contains_verbatim(
        note('dtsedacur0001'), [text['eda_current_name'], text['eda_current_error']], 'the note of the current-made job'
    )
    notes = sorted(name for name in os.listdir(directory) if name.startswith('dts-incident-'))
    expect(len(notes) == 3, 'a job with a hostile id got a note, or one is missing: %s' % notes)
    expect(log.count('No incident note: a DTS job went Failed') == 1, 'the hostile id was not refused once')
    # Jinja's tojson, which also writes ' as \u0027.
    expect(json.dumps(text['eda_job_id']).replace("'", '\\u0027') in log, 'the refusal does not show the hostile id')
    expect(log.count('PLAY [Write an incident note for a failed DTS job]') == 3, 'not three incident playbooks')
    contains_verbatim(
        log, ['DTS job dtseda0000003 (Forward) in %s is 400 s behind' % EDA_REGION], 'the rulebook output'
    )


def main(argv):
    command, canary = argv[1], argv[2]
    if command == 'jobs':
        print(json.dumps({'jobs': jobs(canary), 'replace': True}))
    elif command == 'refusal':
        print(json.dumps({'refused_regions': [REFUSED_REGION], 'refusal_message': texts(canary)['refusal']}))
    elif command == 'timelines':
        print(json.dumps(timelines(canary)))
    elif command == 'no-canary':
        no_canary(canary, argv[3])
    else:
        checks = {
            'modules': check_modules,
            'inventory': check_inventory,
            'hosts': check_hosts,
            'audit': check_audit,
            'incidents': check_incidents,
        }
        # A template that ran is the failure this test is for: say so before comparing texts.
        no_canary(canary, command)
        checks[command](canary, *argv[3:])


if __name__ == '__main__':
    main(sys.argv)
