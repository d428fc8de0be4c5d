"""Moved to tests/support/gradecourse.py; this name stays only for benchmarks/bench_grade.py.

Delete this file once the benchmark imports ``tests.support.gradecourse``: no test uses it.
"""

from tests.support.gradecourse import *  # noqa: F403
