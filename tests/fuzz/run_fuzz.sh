#!/usr/bin/env bash
# One fuzz test (ctest fuzz.<name>): replay the regression inputs, then a
# libFuzzer campaign of SECONDS from seed 1 and freshly made seeds.
#
# usage: run_fuzz.sh BINARY NAME SECONDS MAX_LEN FUZZ_SRC_DIR WORK_DIR PYTHON OPENSSL
#
# scripts/fuzz sets IOTLS_FUZZ_CORPUS (a corpus kept between runs, instead
# of a fresh one) and IOTLS_FUZZ_SEED (0: libFuzzer picks one).
#
# Fails (exit 1) when the binary is missing, a regression input crashes, or
# the campaign finds a crash, leak, timeout or broken invariant; the input
# that did it is kept in WORK_DIR/NAME/ (crash-*, leak-*, timeout-*) and
# named in the output.
set -euo pipefail

bin=$1 name=$2 secs=$3 max_len=$4 src=$5 work=$6 python=$7 openssl=$8
dir=$work/$name
bindir=$(dirname "$bin")

if [ ! -x "$bin" ]; then
  echo "FAIL: fuzz target $bin was not built (clang/libFuzzer build failed?)" >&2
  exit 1
fi
mkdir -p "$dir"

# Seeds: made once per build tree, and again when gen_seeds.py changed
# (openssl keys are random; reusing them keeps reruns of -seed=1
# identical). The diagnose seeds are iotls_error bytes, the handshake seeds
# answers to the client's exact ClientHello: made again whenever their seed
# maker was rebuilt (the struct may have grown, the client may say
# something else).
stale=0
[ -f "$dir/seeds.stamp" ] || stale=1
[ "$src/gen_seeds.py" -nt "$dir/seeds.stamp" ] && stale=1
for t in diagnose handshake; do
  if [ "$name" = $t ] && [ "$bindir/seedgen_$t" -nt "$dir/seeds.stamp" ]; then
    stale=1
  fi
done
if [ $stale -eq 1 ]; then
  rm -rf "$dir/seeds"
  mkdir -p "$dir/seeds"
  if [ "$name" = diagnose ]; then
    "$bindir/seedgen_diagnose" "$dir/seeds"
  elif [ "$name" = handshake ]; then
    IOTLS_SEEDGEN_HANDSHAKE="$bindir/seedgen_handshake" \
      "$python" "$src/gen_seeds.py" "$name" "$dir/seeds" "$openssl"
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
# read-only, one process, fixed seed: every run tries the same inputs in the
# same order, as many of them as the time allows. libFuzzer files comparison
# operands by code address, so with address-space randomisation two runs
# diverge; setarch -R turns it off for the campaign.
norand=""
if setarch "$(uname -m)" -R true 2>/dev/null; then
  norand="setarch $(uname -m) -R"
else
  echo "note: setarch -R unavailable: this campaign is not exactly repeatable"
fi
corpus=${IOTLS_FUZZ_CORPUS:-$dir/corpus}
[ -n "${IOTLS_FUZZ_CORPUS:-}" ] || rm -rf "$corpus"
mkdir -p "$corpus"
nstart=$(find "$corpus" -type f | wc -l)
rm -f "$dir"/crash-* "$dir"/leak-* "$dir"/timeout-* "$dir"/oom-*
echo "== $name: $secs s, max_len $max_len, $nseeds seeds, corpus $corpus ($nstart inputs)"
start=$(date +%s)
set +e
$norand "$bin" -seed="${IOTLS_FUZZ_SEED:-1}" -reload=0 -max_total_time="$secs" \
  -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$dir/" "$corpus" "$dir/seeds" \
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
