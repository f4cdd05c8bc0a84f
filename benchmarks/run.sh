#!/usr/bin/env bash
# Measures Taskwire and its peers on this machine, in one run:
#   benchmarks/run.sh          full run: writes benchmarks/results/latest.json and the table in BENCHMARKS.md
#   benchmarks/run.sh --quick  each scenario once, briefly, into benchmarks/target/quick/ (CI; not figures)
#   benchmarks/run.sh --jfr    full run with Java Flight Recordings of the harness in benchmarks/target/
# Builds what it needs; installs Debian's python3-distributed and python3-joblib if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

QUICK=false
JFR=false
for arg in "$@"; do
  case "$arg" in
    --quick) QUICK=true ;;
    --jfr) JFR=true ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $arg (use --quick, --jfr)" >&2; exit 2 ;;
  esac
done
start=$(date +%s)
say() { echo "run.sh [$(( $(date +%s) - start )) s] $*" >&2; }

if $QUICK; then
  OUT=$ROOT/benchmarks/target/quick
  MARKDOWN=$OUT/BENCHMARKS.md
  JMH_OPTS=(-f 1 -wi 0 -i 1 -r 200ms)
  PEER_OPTS=(--latency-calls 20 --fanout-calls 200 --warmup 50 --pipeline-keys 100)
  HARNESS_OPTS=(--quick)
else
  OUT=$ROOT/benchmarks/results
  MARKDOWN=$ROOT/BENCHMARKS.md
  JMH_OPTS=(-f 1 -wi 3 -w 1s -i 5 -r 1s)
  PEER_OPTS=(--latency-calls 1000 --fanout-calls 10000 --warmup 2000 --pipeline-keys 1000)
  HARNESS_OPTS=()
fi
SCRATCH=$ROOT/benchmarks/target/work
rm -rf "$SCRATCH"
mkdir -p "$OUT" "$SCRATCH"

say "building the benchmarks jar and the samples' class path"
./mvnw -B -q -ntp -DskipTests -pl benchmarks,samples -am package dependency:build-classpath \
  -Dmdep.outputFile=target/runtime-classpath.txt -Dmdep.includeScope=runtime
JAR=$ROOT/benchmarks/target/taskwire-benchmarks.jar
echo "$ROOT/samples/target/classes:$(cat samples/target/runtime-classpath.txt)" > "$SCRATCH/samples-classpath.txt"

PY=/usr/bin/python3
if ! "$PY" -c 'import distributed, joblib' 2>/dev/null; then
  say "installing Debian's python3-distributed and python3-joblib"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q python3-distributed python3-joblib >/dev/null \
    || { apt-get update -q >/dev/null && apt-get install -y -q python3-distributed python3-joblib >/dev/null; }
fi

say "JMH micro-benchmarks"
java -jar "$JAR" jmh "${JMH_OPTS[@]}" -rf json -rff "$SCRATCH/jmh.json" -foe true > "$SCRATCH/jmh.log" 2>&1 \
  || { tail -40 "$SCRATCH/jmh.log"; exit 1; }
sed -n '/^Benchmark  /,/^$/p' "$SCRATCH/jmh.log" >&2

say "peers: Dask distributed and joblib"
"$PY" -W ignore benchmarks/peers.py "${PEER_OPTS[@]}" --out "$SCRATCH/peers.json"

# Optuna, for the optimisers' table: from whatever python3 pip installed it into (not Debian's).
OPTUNA_PY=$(command -v python3 || true)
if [[ -n "$OPTUNA_PY" ]] && "$OPTUNA_PY" -c 'import optuna, torch, scipy' 2>/dev/null; then
  say "peers: Optuna's samplers on the optimisers' problems"
  if $QUICK; then
    "$OPTUNA_PY" -W ignore benchmarks/optimizer_peers.py --seeds 1 --only Branin --out "$SCRATCH/optuna.json"
  else
    "$OPTUNA_PY" -W ignore benchmarks/optimizer_peers.py --seeds 10 --out "$SCRATCH/optuna.json"
  fi
else
  say "peers: Optuna (with torch and scipy) is not installed for python3, so the optimisers' table has no Optuna rows" \
    "(pip install optuna torch scipy)"
fi

say "end-to-end scenarios"
JVM=(-Xmx2g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn)
if $JFR; then
  JVM+=(-XX:StartFlightRecording=filename=$ROOT/benchmarks/target/harness.jfr,settings=profile)
fi
java "${JVM[@]}" -jar "$JAR" harness "${HARNESS_OPTS[@]}" \
  --samples-classpath "$SCRATCH/samples-classpath.txt" --jmh "$SCRATCH/jmh.json" --peers "$SCRATCH/peers.json" \
  --optimizer-peers "$SCRATCH/optuna.json" \
  --results "$OUT" --markdown "$MARKDOWN" --work "$SCRATCH"

say "done: $OUT/latest.json and $MARKDOWN"
