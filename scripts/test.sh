#!/usr/bin/env bash
# Set up, then run the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
# two workers, each module kept on one of them so its built examples are shared by its tests
.venv/bin/python -m pytest -q -n "${JUESUAN_TEST_WORKERS:-2}" --dist loadfile "$@"
