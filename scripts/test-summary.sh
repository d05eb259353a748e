#!/usr/bin/env bash
# Sums the counts that each runner of `make test` printed into one closing line.
# Usage: scripts/test-summary.sh LOG
set -euo pipefail
awk '
  /^\[  PASSED  \] [0-9]+ test/        { passed += $4 }                 # cmocka
  /^\[  FAILED  \] [0-9]+ test/        { failed += $4 }
  /^[0-9]+ passed.* in [0-9.]+s/       { passed += $1 }                 # pytest
  / [0-9]+ failed.* in [0-9.]+s/       { for (i = 1; i < NF; i++) if ($(i+1) ~ /^failed/) failed += $i }
  /^[0-9]+ passed, [0-9]+ failed$/     { passed += $1; failed += $3 }   # browser
  /^fuzz: [0-9]+ passed, [0-9]+ failed$/ { passed += $2; failed += $4 }
  END { printf "all: %d passed, %d failed\n", passed, failed; exit failed > 0 }
' "$1"
