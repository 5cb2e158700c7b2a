#!/usr/bin/env bash
# Set up, then build the example publication (seed 000) into outputs/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/juesuan build inputs/yanzhou-2024 -o outputs --to "${JUESUAN_FORMATS:-pdf,docx}"
