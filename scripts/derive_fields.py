#!/usr/bin/env python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The field table: every field of every action the collection calls, as the vendor documents it.

    python scripts/derive_fields.py            # rewrite plugins/module_utils/_fields.py and docs/fields.md
    python scripts/derive_fields.py --check    # exit 1 when either differs from a fresh derivation

The official SDK (``alibabacloud_dts20200101``) carries the vendor's description of every field of
every response model: in the package's model sources (one ``models/_<action>_response_body.py`` per
action in the 5.x releases, one ``models.py`` before), as the ``#`` comment lines just above each
``self.<field> = <field>`` line of a model's ``__init__``; the wire name of each field is the key
``to_map`` writes it under, and its model (a nested object, a list) is its annotation.  This script
reads those sources (it never imports the models), walks each action's response from its body
model, and classifies each field from its description: kind (duration, time, size, rate, percent,
count, flag, enumeration, text, object), unit or format, the documented values of an enumeration
(per job type where the description lists them per job type), and whether it is discontinued.

Where a description is silent or ambiguous, ``scripts/field_overrides.yml`` says what the
collection takes it to mean, each entry with its reason; the script merges it and refuses an
override that matches no field (a new SDK release that renamed the field) or one that the
description now settles the same way (no longer needed).  A time, duration or size field left
without a unit is an error: rerunning on a new SDK release either passes or names the fields to
curate.

Two files come out of one derivation: ``plugins/module_utils/_fields.py``, the part the normaliser
types values by (a generated Python module, since module code on a managed node imports Python
modules and cannot count on reading data files next to them), and ``docs/fields.md``, the whole
table.  The tests derive the table again against the SDK version ``tests/requirements.txt`` pins
and fail when either file differs.
"""

import argparse
import ast
import glob
import os
import re
import subprocess
import sys
from importlib import metadata

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OVERRIDES = os.path.join(ROOT, 'scripts', 'field_overrides.yml')
MODULE = os.path.join(ROOT, 'plugins', 'module_utils', '_fields.py')
DOC = os.path.join(ROOT, 'docs', 'fields.md')
PACKAGE = 'alibabacloud_dts20200101'
DISTRIBUTION = 'alibabacloud-dts20200101'

# The actions the collection calls, and where one record of each is: the normaliser types one
# record (one direction of a job, one check run, one table...) by the subtree under that path.
ACTIONS = {
    'DescribeSynchronizationJobs': 'SynchronizationInstances[]',
    'DescribeSynchronizationJobStatusList': 'SynchronizationJobListStatusList[]',
    'DescribeDtsJobs': 'DtsJobList[]',
    'DescribeDtsJobDetail': '',
    'DescribeCheckJobs': 'CheckJobs[]',
    'DescribeDataCheckTableDetails': 'TableDetails[]',
    'DescribeDataCheckReportUrl': '',
    'DescribePreCheckStatus': '',
    'DescribeJobMonitorRule': 'MonitorRules[]',
}
# The job types dts_job_info lists, as the facts name them.
JOB_TYPES = ('sync', 'migration', 'subscribe')
# The legacy actions know synchronization jobs only.
SYNC_ONLY = ('DescribeSynchronizationJobs', 'DescribeSynchronizationJobStatusList')
# Records nested in a record that the normaliser makes records of their own (a two-way job's
# reverse direction): a synchronization direction, whatever the job's type.
SYNC_SUBRECORDS = ('ReverseJob',)
# How deep the walk goes: the models nest six levels at most.
MAX_DEPTH = 8

# What a description's job-type headings and phrases call each job type.
_TYPE_WORDS = (('migration', 'migration'), ('synchronization', 'sync'), ('change tracking', 'subscribe'))
_TIME_UNITS = {
    'millisecond': 'ms',
    'milliseconds': 'ms',
    'second': 's',
    'seconds': 's',
    'minute': 'min',
    'minutes': 'min',
}


# -- reading the SDK's model sources -------------------------------------------------------------------


def sdk_version():
    return metadata.version(DISTRIBUTION)


def _model_files():
    spec = __import__(PACKAGE)
    base = os.path.dirname(spec.__file__)
    files = sorted(glob.glob(os.path.join(base, 'models', '*.py')))
    return files or [os.path.join(base, 'models.py')]


def _comment_above(lines, lineno):
    """The ``#`` lines just above line ``lineno`` (1-based), without the ``#``."""
    found = []
    index = lineno - 2
    while index >= 0 and lines[index].strip().startswith('#'):
        found.insert(0, lines[index].strip()[1:].strip())
        index -= 1
    return '\n'.join(found).strip()


def _method(node, name):
    return next((item for item in node.body if isinstance(item, ast.FunctionDef) and item.name == name), None)


def _self_attribute(node):
    return next(
        (
            item.attr
            for item in ast.walk(node)
            if isinstance(item, ast.Attribute) and isinstance(item.value, ast.Name) and item.value.id == 'self'
        ),
        None,
    )


def _result_key(node):
    return next(
        (
            item.slice.value
            for item in ast.walk(node)
            if isinstance(item, ast.Subscript)
            and isinstance(item.value, ast.Name)
            and item.value.id == 'result'
            and isinstance(item.slice, ast.Constant)
        ),
        None,
    )


def _wire_names(to_map):
    """attribute -> wire name, from ``result['Wire'] = self.attribute...`` in ``to_map``."""
    names = {}
    for node in ast.walk(to_map):
        if isinstance(node, ast.If) and node.body:
            attribute, key = _self_attribute(node.test), _result_key(node.body[0])
            if attribute and key:
                names.setdefault(attribute, key)
        elif isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Subscript):
            attribute, key = _self_attribute(node.value), _result_key(node.targets[0])
            if attribute and key:
                names.setdefault(attribute, key)
    return names


def _model_class(node, lines):
    init, to_map = _method(node, '__init__'), _method(node, 'to_map')
    if init is None or to_map is None:
        return None
    annotations = dict((arg.arg, ast.unparse(arg.annotation) if arg.annotation else '') for arg in init.args.args[1:])
    wire = _wire_names(to_map)
    fields = []
    for statement in init.body:
        if isinstance(statement, ast.Assign) and isinstance(statement.targets[0], ast.Attribute):
            attribute = statement.targets[0].attr
            fields.append(
                {
                    'attribute': attribute,
                    'wire': wire.get(attribute),
                    'annotation': annotations.get(attribute, ''),
                    'description': _comment_above(lines, statement.lineno),
                }
            )
    return fields


def read_models(files=None):
    """{class name: [field, ...]} of every model class in the SDK's model sources."""
    models = {}
    for path in files or _model_files():
        with open(path, encoding='utf-8') as handle:
            source = handle.read()
        lines = source.splitlines()
        for node in ast.parse(source).body:
            if isinstance(node, ast.ClassDef):
                fields = _model_class(node, lines)
                if fields is not None:
                    models[node.name] = fields
    return models


def _nested(annotation, models):
    names = re.findall(r'[A-Za-z_][A-Za-z0-9_]*', annotation)
    model = next((name for name in reversed(names) if name in models), None)
    is_list = bool(re.match(r"\s*'?(List|list)\[", annotation))
    scalar = next((name for name in reversed(names) if name in ('str', 'int', 'float', 'bool', 'dict', 'Any')), 'str')
    return model, is_list, scalar


def walk(models, model, prefix='', depth=0):
    """(path, sdk type, description) of every field under ``model``, depth first, in model order."""
    for field in models[model]:
        nested, is_list, scalar = _nested(field['annotation'], models)
        path = prefix + (field['wire'] or field['attribute']) + ('[]' if is_list else '')
        sdk_type = ('list' if is_list else 'object') if nested else ('list' if is_list else scalar)
        yield path, sdk_type, field['description']
        if nested and depth < MAX_DEPTH:
            yield from walk(models, nested, path + '.', depth + 1)


# Fields whose values are statuses: an enumeration (compared whatever the case, reported in the
# documented spelling) even where the description lists no values.
STATUS_NAMES = ('Status', 'State', 'CheckStatus', 'CheckResult', 'DtsJobDirection', 'SynchronizationDirection')


# -- what a description says ---------------------------------------------------------------------------


def _values(text):
    """The ``**Value**`` items of a description's lists (``- **X**: meaning`` or ``* **X**``)."""
    return [match.group(1).strip() for match in re.finditer(r'(?:^|\s)[-*]\s+\*\*([^*]+)\*\*', text, re.M)]


def enumeration(text):
    """The documented values: a tuple, or {job type: tuple} when the description lists them per type."""
    if 'Valid values' not in text and not re.search(r'^\s*[-*]\s+\*\*', text, re.M):
        return None
    sections = re.split(r'^(.*task statuses:)\s*$', text, flags=re.M)
    if len(sections) > 1:
        per_type = {}
        for heading, body in zip(sections[1::2], sections[2::2]):
            job_type = next((name for word, name in _TYPE_WORDS if word in heading.lower()), None)
            if job_type:
                per_type[job_type] = tuple(_values(body))
        return per_type or None
    values = tuple(_values(text))
    return values or None


def discontinued(text):
    if re.search(r'has been discontinued|have been discontinued', text):
        return 'discontinued'
    if re.search(r'will be deprecated|deprecated', text, re.I):
        return 'to be deprecated'
    return None


def _duration_unit(text, wire):
    per_type = dict(
        (name, _TIME_UNITS[unit])
        for word, name in _TYPE_WORDS
        for unit in re.findall(r'For data %s tasks, the unit is (\w+)' % word, text)
    )
    if per_type:
        return per_type
    match = re.search(r'(?:Unit: |in |, in )(milliseconds|seconds|minutes)\b', text)
    if match:
        return _TIME_UNITS[match.group(1)]
    if wire.endswith('Seconds'):
        return 's'
    return None


def _time_format(text):
    if 'UTC+8' in text:
        return 'local_utc8'
    if re.search(r'HH:mm:ss</?i?>?Z|HH:mm:ssZ', text):
        return 'iso_utc'
    if re.search(r'unix timestamp', text, re.I):
        return 'epoch_s' if re.search(r'seconds', text) else None
    return None


def _is_duration(text, wire):
    return bool(
        re.search(r'\blatency\b|retry (time|duration)|time that has been spent|statistical period', text, re.I)
        or wire.endswith('Seconds')
        or wire == 'Delay'
    )


def _is_time(text, wire):
    return bool(re.search(r'(Time|Timestamp|Checkpoint|CheckPoint)$', wire) or _time_format(text))


def classify(path, sdk_type, text):
    """kind, unit (or format) of one field from its SDK type and description."""
    wire = path.rsplit('.', 1)[-1].rstrip('[]')
    if sdk_type in ('object', 'list'):
        return sdk_type, None
    values = enumeration(text)
    if sdk_type == 'bool' or (not isinstance(values, dict) and set(values or ()) == {'true', 'false'}):
        return 'flag', None
    if values or wire in STATUS_NAMES:
        return 'enum', None
    if _is_duration(text, wire):
        return 'duration', _duration_unit(text, wire)
    if _is_time(text, wire):
        return 'time', _time_format(text)
    if re.search(r'MB/s', text):
        return 'rate', 'MB/s'
    if re.search(r'Unit: MB\b|in MB\b', text):
        return 'size', 'MB'
    if re.search(r'\bbytes\b', text) or wire.endswith('Size'):
        return 'size', 'bytes' if re.search(r'\bbytes\b', text) else None
    if re.search(r'in percentage|Unit: %', text):
        return 'percent', '%'
    if sdk_type in ('int', 'float') or re.match(r'The (total )?number of', text):
        return 'count', None
    return 'text', None


# -- the table -------------------------------------------------------------------------------------------


def _first_sentence(text):
    line = text.split('\n', 1)[0]
    return re.sub(r'</?i>|\*\*', '', line).strip()


def _by_job_type(action, value):
    """``value`` per job type when it differs, else the one value (the legacy actions: sync only)."""
    if isinstance(value, dict) and set(value) >= set(JOB_TYPES) and len(set(value.values())) == 1:
        return next(iter(value.values()))
    return value


def derive_rows(models, action):
    root = action + 'ResponseBody'
    rows = []
    for path, sdk_type, text in walk(models, root):
        kind, unit = classify(path, sdk_type, text)
        rows.append(
            {
                'action': action,
                'path': path,
                'sdk_type': sdk_type,
                'kind': kind,
                'unit': unit,
                'values': enumeration(text) if kind == 'enum' else None,
                'discontinued': discontinued(text),
                'description': _first_sentence(text),
                'source': 'SDK',
            }
        )
    return rows


def load_overrides(path=OVERRIDES):
    with open(path, encoding='utf-8') as handle:
        return yaml.safe_load(handle) or []


def _matches(override, row):
    if override['action'] != row['action']:
        return False
    return re.fullmatch(override['path'], row['path']) is not None


def apply_overrides(rows, overrides):
    """Merge the curated entries: each sets kind, unit, values or discontinued on the fields it matches."""
    problems = []
    for override in overrides:
        if not override.get('reason'):
            problems.append('override %s %s has no reason' % (override['action'], override['path']))
        matched = [row for row in rows if _matches(override, row)]
        if not matched:
            problems.append('override %s %s matches no field' % (override['action'], override['path']))
        changed = False
        for row in matched:
            for key in ('kind', 'unit', 'values', 'discontinued'):
                if key in override:
                    value = override[key]
                    value = tuple(value) if isinstance(value, list) else value
                    if isinstance(value, dict):
                        value = dict(
                            (name, tuple(item) if isinstance(item, list) else item) for name, item in value.items()
                        )
                    changed = changed or row[key] != value
                    row[key] = value
            row['source'] = 'override: ' + ' '.join(override['reason'].split())
        if matched and not changed:
            problems.append(
                'override %s %s changes nothing: the SDK now says the same; remove it'
                % (override['action'], override['path'])
            )
    return problems


def check_units(rows):
    """Every time, duration and size field has a unit or format (the SDK's or an override's)."""
    return [
        '%s %s: a %s without a documented unit; add an override' % (row['action'], row['path'], row['kind'])
        for row in rows
        if row['kind'] in ('duration', 'time', 'size') and not row['unit']
    ]


def derive(models=None, overrides=None):
    """(rows, problems): the whole table, and what needs curating."""
    models = models if models is not None else read_models()
    overrides = overrides if overrides is not None else load_overrides()
    rows = []
    for action in ACTIONS:
        rows.extend(derive_rows(models, action))
    problems = apply_overrides(rows, overrides)
    for row in rows:
        row['unit'] = _by_job_type(row['action'], row['unit'])
        row['values'] = _by_job_type(row['action'], row['values'])
    return rows, problems + check_units(rows)


# -- what the normaliser reads: one subtree per action -----------------------------------------------------

# The kinds the normaliser converts; text, rates and objects pass through as sent.
TYPED_KINDS = ('duration', 'time', 'size', 'percent', 'count', 'flag', 'enum')


def _spec(row, vocabularies):
    kind = row['kind']
    if kind == 'enum':
        values = row['values']
        wire = row['path'].rsplit('.', 1)[-1].rstrip('[]')
        if not values:
            return ('status' if wire in STATUS_NAMES else 'enum', None)
        key = repr(values)
        if key not in vocabularies:
            vocabularies[key] = (len(vocabularies) + 1, values)
        textual = not all(re.fullmatch(r'-?[0-9]+', str(item)) for item in _all_values(values))
        return ('status' if wire in STATUS_NAMES and textual else 'enum', vocabularies[key][0])
    if kind in ('percent', 'count', 'size'):
        return ('number', row['unit'])
    return (kind, row['unit'])


def _all_values(values):
    return [item for group in values.values() for item in group] if isinstance(values, dict) else list(values)


def _insert(tree, parts, spec):
    for part in parts[:-1]:
        tree = tree.setdefault(part, {})
        if not isinstance(tree, dict):
            return
    tree[parts[-1]] = spec


def _record_rows(rows, action):
    prefix = ACTIONS[action]
    start = prefix + '.' if prefix else ''
    return [row for row in rows if row['action'] == action and row['path'].startswith(start)], start


def runtime_tables(rows):
    """({action: type tree of one record}, {vocabulary id: values}) for _fields.py."""
    vocabularies = {}
    trees = {}
    for action in ACTIONS:
        tree = {}
        chosen, start = _record_rows(rows, action)
        for row in chosen:
            if row['kind'] not in TYPED_KINDS:
                continue
            parts = [part.rstrip('[]') for part in row['path'][len(start) :].split('.')]
            _insert(tree, parts, _spec(row, vocabularies))
        trees[action] = tree
    return trees, dict(number_values for number_values in vocabularies.values())


def discontinued_facts(rows):
    """{action: sorted wire paths of one record that the SDK says are discontinued or to be deprecated}."""
    found = {}
    for action in ACTIONS:
        chosen, start = _record_rows(rows, action)
        paths = sorted(set(row['path'][len(start) :].replace('[]', '') for row in chosen if row['discontinued']))
        found[action] = tuple(paths)
    return found


MODULE_HEADER = '''# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# GENERATED by scripts/derive_fields.py from %(package)s %(version)s and scripts/field_overrides.yml.
# Do not edit: change the overrides (or the SDK pin) and run the script again.
"""How the vendor documents each typed field of one record of each action (docs/fields.md has them all).

``TYPES[action]`` mirrors one record's nesting (a list's items share one subtree); each leaf is
``(kind, unit)``: ``('duration', 's' | 'ms' | 'min' | {job type: unit})``, ``('time', 'epoch_s' |
'iso_utc' | 'local_utc8')``, ``('number', unit or None)``, ``('flag', None)``, or ``('status' |
'enum', vocabulary)`` with ``VOCABULARIES[vocabulary]`` the documented values (a tuple, or
{job type: tuple}).  Fields not named here are text, passed through as sent.
"""

from typing import Any, Dict, Tuple

SDK_VERSION = %(version)r
JOB_TYPES = %(job_types)r

'''


def _tokens(value):
    """A literal as tokens that are never split across lines (a dict's entries, a tuple's items)."""
    if isinstance(value, dict):
        items = sorted(value.items())
        tokens = ['{']
        for position, (key, item) in enumerate(items):
            inner = _tokens(item)
            inner[0] = '%r: %s' % (key, inner[0])
            if position < len(items) - 1:
                inner[-1] += ','
            tokens.extend(inner)
        tokens[-1] += '}'
        return tokens
    if isinstance(value, tuple) and len(repr(value)) > 60:
        tokens = ['('] + ['%r,' % item for item in value]
        tokens[-1] += ')'
        return tokens
    return [repr(value)]


def _packed(tokens, indent, width=116):
    """Tokens packed into lines of at most ``width`` characters, continuation lines indented."""
    lines, line = [], ' ' * indent
    for token in tokens:
        joiner = '' if not line.strip() or line.endswith(('{', '(')) else ' '
        if line.strip() and len(line) + len(joiner) + len(token) > width:
            lines.append(line)
            line, joiner = ' ' * (indent + 4), ''
        line += joiner + token
    lines.append(line)
    return '\n'.join(lines)


def _literal(value):
    """A dict literal with each entry on lines of its own."""
    entries = []
    for key in sorted(value):
        tokens = _tokens(value[key])
        tokens[0] = '%r: %s' % (key, tokens[0])
        entries.append(_packed(tokens, 4) + ',')
    return '{\n%s\n}' % '\n'.join(entries)


def ruff_formatted(source):
    """``source`` as `ruff format` writes it with the repository's settings (pyproject.toml), so the
    generated module is the file `make lint` accepts, and formatting the tree never changes it."""
    ruff = os.path.join(os.path.dirname(sys.executable), 'ruff')
    command = [ruff if os.path.exists(ruff) else 'ruff', 'format', '--stdin-filename', MODULE, '-']
    try:
        return subprocess.run(command, input=source, capture_output=True, text=True, check=True, cwd=ROOT).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        message = 'derive_fields.py needs ruff (make venv installs it) to write %s: %s' % (MODULE, error)
        raise SystemExit(message) from None


def render_module(rows, version):
    trees, vocabularies = runtime_tables(rows)
    parts = [MODULE_HEADER % {'package': DISTRIBUTION, 'version': version, 'job_types': JOB_TYPES}]
    parts.append('VOCABULARIES: Dict[int, Any] = %s\n\n' % _literal(vocabularies))
    parts.append('TYPES: Dict[str, Dict[str, Any]] = %s\n\n' % _literal(trees))
    parts.append('# Discontinued or to be deprecated, as the SDK says: documented so in docs/fields.md.\n')
    parts.append('DISCONTINUED: Dict[str, Tuple[str, ...]] = %s\n' % _literal(discontinued_facts(rows)))
    return ruff_formatted(''.join(parts))


# -- the documentation ----------------------------------------------------------------------------------

DOC_HEADER = """<!-- GENERATED by scripts/derive_fields.py: do not edit; rerun the script. -->
# Every field, as the vendor documents it

This table is derived from the descriptions the official SDK (`%(package)s` %(version)s, the
version the tests pin) carries for every field of every response of the actions the collection
calls, with the curated reading of `scripts/field_overrides.yml` where a description is silent or
ambiguous (the **Source** column gives the reason). `scripts/derive_fields.py` writes it and the
normaliser's table, `plugins/module_utils/_fields.py`, from one derivation; the tests derive it
again against the pinned SDK and fail when they disagree.

## What the facts hold

A fact is the field's snake_case name at the same place (`DtsJobList[].DataSynchronizationStatus.Delay`
is `data_synchronization_status.delay` of a job record). Whatever the unit on the wire:

%(kinds)s

Discontinued fields (the SDK says "discontinued" or "will be deprecated") are still returned when
DTS sends them, as sent, and are marked **discontinued** here: do not build on them.

Job types: `sync` (synchronization), `migration`, `subscribe` (change tracking). A cell that reads
`migration: ms; sync: s` differs by job type; a two-way job's `ReverseJob` is a synchronization
direction. The legacy actions list synchronization jobs only.

"""


# What each kind of fact holds, whatever the unit on the wire (the first table of docs/fields.md).
KINDS = (
    (
        'duration',
        'whole **seconds**, rounded up (5.4 s is 6, never 5); `null` when unknown or negative (`-1` is '
        '"not started"). A unit that depends on the job type follows the record\'s `JobType`; with no '
        'job type the fact is `null` and a warning says why.',
    ),
    (
        'time, `epoch_s`',
        'Unix **seconds**, an integer (a `checkpoint`; `checkpoint_time` beside it is the same '
        'instant as ISO 8601 UTC).',
    ),
    (
        'time, `iso_utc` / `local_utc8`',
        'ISO 8601 **UTC**, `YYYY-MM-DDTHH:MM:SSZ`, whatever offset or fraction the '
        "wire spells (`local_utc8`, the legacy listing's `yyyy-MM-dd HH:mm:ss.0` in "
        'UTC+8, is moved to UTC). Text that is no time is `null`, with a warning.',
    ),
    ('size', 'a number in the unit this table gives (MB or bytes).'),
    ('percent, count', 'a number.'),
    ('rate', 'as sent (the documented unit is in this table).'),
    ('flag', '`true` or `false`.'),
    (
        'enum',
        "as sent, statuses in their documented spelling whatever the wire's case. A value the documentation "
        'does not list is **kept** and reported in a warning.',
    ),
    ('text, object, list', 'as sent (objects and lists typed field by field).'),
)


def _kinds_table():
    return '\n'.join(
        ['| Kind | The fact holds |', '| --- | --- |'] + ['| %s | %s |' % (kind, text) for kind, text in KINDS]
    )


def _cell(value):
    if value is None:
        return ''
    if isinstance(value, dict):
        return '; '.join('%s: %s' % (name, _cell(value[name])) for name in JOB_TYPES if name in value)
    if isinstance(value, tuple):
        return ', '.join(value)
    return str(value)


def _escape(text):
    return text.replace('|', '\\|').replace('<', '&lt;').replace('>', '&gt;')


def render_doc(rows, version):
    parts = [DOC_HEADER % {'package': DISTRIBUTION, 'version': version, 'kinds': _kinds_table()}]
    for action in ACTIONS:
        parts.append('## %s\n\n' % action)
        record = ACTIONS[action]
        parts.append(
            'One record: `%s`.\n\n' % (record or 'the answer')
            if action not in SYNC_ONLY
            else 'One record: `%s` (synchronization jobs).\n\n' % record
        )
        parts.append('| Field | Kind | Unit / format | Values | Discontinued | Source | Description |\n')
        parts.append('| --- | --- | --- | --- | --- | --- | --- |\n')
        for row in rows:
            if row['action'] != action:
                continue
            parts.append(
                '| `%s` | %s | %s | %s | %s | %s | %s |\n'
                % (
                    row['path'],
                    row['kind'],
                    _escape(_cell(row['unit'])),
                    _escape(_cell(row['values'])),
                    row['discontinued'] or '',
                    _escape(row['source']),
                    _escape(row['description']),
                )
            )
        parts.append('\n')
    return ''.join(parts).rstrip('\n') + '\n'


# -- the command ------------------------------------------------------------------------------------------


def outputs(rows=None, version=None):
    """{path: text} of the files one derivation writes."""
    version = version or sdk_version()
    if rows is None:
        rows, problems = derive()
        if problems:
            raise SystemExit('\n'.join(problems))
    return {MODULE: render_module(rows, version), DOC: render_doc(rows, version)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--check', action='store_true', help='fail when the files differ from a fresh derivation')
    args = parser.parse_args(argv)
    rows, problems = derive()
    if problems:
        print('\n'.join(problems), file=sys.stderr)
        return 2
    stale = []
    for path, text in outputs(rows).items():
        current = open(path, encoding='utf-8').read() if os.path.exists(path) else None
        if current != text:
            stale.append(os.path.relpath(path, ROOT))
            if not args.check:
                with open(path, 'w', encoding='utf-8') as handle:
                    handle.write(text)
    if args.check and stale:
        print('out of date: %s (run scripts/derive_fields.py)' % ', '.join(stale), file=sys.stderr)
        return 1
    print(
        '%d fields of %d actions from %s %s%s'
        % (
            len(rows),
            len(ACTIONS),
            DISTRIBUTION,
            sdk_version(),
            '; wrote ' + ', '.join(stale) if stale and not args.check else '',
        )
    )
    return 0


if __name__ == '__main__':
    sys.exit(main())
