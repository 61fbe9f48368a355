#!/usr/bin/env bash
# One fuzz test (ctest fuzz.<name>): replay the regression inputs, then a
# bounded, deterministic libFuzzer campaign from freshly made seeds.
#
# usage: run_fuzz.sh BINARY NAME RUNS MAX_LEN FUZZ_SRC_DIR WORK_DIR PYTHON OPENSSL
#
# Fails (exit 1) when the binary is missing, a regression input crashes, or
# the campaign finds a crash, leak, timeout or broken invariant; the input
# that did it is kept in WORK_DIR/NAME/ (crash-*, leak-*, timeout-*) and
# named in the output.
set -euo pipefail

bin=$1 name=$2 runs=$3 max_len=$4 src=$5 work=$6 python=$7 openssl=$8
dir=$work/$name
bindir=$(dirname "$bin")

if [ ! -x "$bin" ]; then
  echo "FAIL: fuzz target $bin was not built (clang/libFuzzer build failed?)" >&2
  exit 1
fi
mkdir -p "$dir"

# Seeds: made once per build tree (openssl keys are random; reusing them
# keeps reruns of -seed=1 identical). The diagnose seeds are iotls_error
# bytes: made again whenever the seed maker was rebuilt (the struct may have
# grown).
stale=0
[ -f "$dir/seeds.stamp" ] || stale=1
if [ "$name" = diagnose ] && [ "$bindir/seedgen_diagnose" -nt "$dir/seeds.stamp" ]; then
  stale=1
fi
if [ $stale -eq 1 ]; then
  rm -rf "$dir/seeds"
  mkdir -p "$dir/seeds"
  if [ "$name" = diagnose ]; then
    "$bindir/seedgen_diagnose" "$dir/seeds"
  else
    "$python" "$src/gen_seeds.py" "$name" "$dir/seeds" "$openssl"
  fi
  touch "$dir/seeds.stamp"
fi
nseeds=$(find "$dir/seeds" -type f | wc -l)
if [ "$nseeds" -eq 0 ]; then
  echo "FAIL: no seeds were made for $name" >&2
  exit 1
fi

# Targets that need more than their input (fuzz_verify's trust anchor)
# read it from the seeds.
export IOTLS_FUZZ_SEEDS="$dir/seeds"

# ASan/UBSan: stop at the first error, and say where.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# 1. Regression inputs: crashes found before must stay fixed.
regs=()
if [ -d "$src/regressions/$name" ]; then
  while IFS= read -r -d '' f; do regs+=("$f"); done \
    < <(find "$src/regressions/$name" -type f ! -name '*.md' -print0 | sort -z)
fi
if [ ${#regs[@]} -gt 0 ]; then
  echo "== $name: replaying ${#regs[@]} regression input(s)"
  if ! "$bin" -runs=1 "${regs[@]}" > "$dir/regressions.log" 2>&1; then
    tail -n 60 "$dir/regressions.log" >&2
    echo "FAIL: a regression input of $name crashes again (log: $dir/regressions.log)" >&2
    exit 1
  fi
fi

# 2. The campaign: a fresh corpus each time (new inputs go there), seeds
# read-only, one process, fixed seed: the same inputs every run. libFuzzer
# files comparison operands by code address, so with address-space
# randomisation two runs diverge; setarch -R turns it off for the campaign.
norand=""
if setarch "$(uname -m)" -R true 2>/dev/null; then
  norand="setarch $(uname -m) -R"
else
  echo "note: setarch -R unavailable: this campaign is not exactly repeatable"
fi
rm -rf "$dir/corpus"
mkdir -p "$dir/corpus"
rm -f "$dir"/crash-* "$dir"/leak-* "$dir"/timeout-* "$dir"/oom-*
echo "== $name: $runs runs, max_len $max_len, $nseeds seeds"
start=$(date +%s)
set +e
$norand "$bin" -seed=1 -reload=0 -runs="$runs" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$dir/" "$dir/corpus" "$dir/seeds" \
  > "$dir/campaign.log" 2>&1
rc=$?
set -e
end=$(date +%s)
grep -E '^#[0-9]+ +(INITED|DONE)|^Done [0-9]+ runs' "$dir/campaign.log" || true
grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$dir/campaign.log" || true
echo "== $name: $((end - start)) s, exit $rc"
if [ $rc -ne 0 ]; then
  tail -n 80 "$dir/campaign.log" >&2
  ls "$dir"/crash-* "$dir"/leak-* "$dir"/timeout-* "$dir"/oom-* 2>/dev/null >&2 || true
  echo "FAIL: fuzz.$name found a bug; the input is kept above (copy it to" \
       "tests/fuzz/regressions/$name/ once the fix is in)" >&2
  exit 1
fi
if ! grep -qE '^Done [0-9]+ runs' "$dir/campaign.log"; then
  echo "FAIL: the campaign of $name did not finish" >&2
  exit 1
fi
