#!/usr/bin/env python3
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rooms a reader can hold: the size limits of the shipped code, checked by `make lint`.

- no function or method over MAX_FUNCTION_LINES lines (its def line to its last line);
- no file of plugins/module_utils over MAX_MODULE_UTILS_LINES lines.

Complexity (at most 12 branches a function) is ruff's C901, configured in pyproject.toml. Prints
each offence as path:line and exits 1 when there is any.
"""

import ast
import pathlib
import sys

MAX_FUNCTION_LINES = 60
MAX_MODULE_UTILS_LINES = 400
SHIPPED = ('plugins', 'extensions')


def offences(root):
    for top in SHIPPED:
        for path in sorted((root / top).rglob('*.py')):
            relative = path.relative_to(root)
            text = path.read_text(encoding='utf-8')
            lines = text.count('\n') + (0 if text.endswith('\n') or not text else 1)
            if relative.parts[:2] == ('plugins', 'module_utils') and lines > MAX_MODULE_UTILS_LINES:
                yield '%s: %d lines, over %d for a module_utils file' % (relative, lines, MAX_MODULE_UTILS_LINES)
            for node in ast.walk(ast.parse(text, str(relative))):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    length = node.end_lineno - node.lineno + 1
                    if length > MAX_FUNCTION_LINES:
                        yield '%s:%d: %s is %d lines, over %d' % (relative, node.lineno, node.name, length,
                                                                  MAX_FUNCTION_LINES)


def main():
    root = pathlib.Path(__file__).resolve().parents[2]
    found = list(offences(root))
    for offence in found:
        print(offence)
    return 1 if found else 0


if __name__ == '__main__':
    sys.exit(main())
