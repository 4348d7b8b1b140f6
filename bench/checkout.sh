#!/usr/bin/env bash
# Patron's checkout bench: commits over HTTP against PostgreSQL's own tpcb-like pgbench workload
# measured on the same machine in the same run (before and after), so every figure is a ratio.
#   bench/checkout.sh [MEMBERS]   (default 1000000; reuses patron_bench when it already has them)
# Prints commits/s and p50/p99 at 8 and 32 connections, an open-loop run at a fixed rate, quotes/s,
# the ratios to pgbench tps and the server's heap.
set -euo pipefail
cd "$(dirname "$0")/.."
MEMBERS="${1:-1000000}"
PORT=18080
DB=patron_bench
KEY=pt_till_bench_key_000000000000001
RESULTS=bench/results
SECONDS_PER_RUN="${BENCH_SECONDS:-30}"
mkdir -p "$RESULTS"
. bench/lib.sh
PSQL="psql -h 127.0.0.1 -U postgres -qtA"

have=$($PSQL -d $DB -c "SELECT COUNT(*) FROM members" 2>/dev/null || echo 0)
if [ "${have:-0}" -lt "$MEMBERS" ]; then
  echo "== $DB has ${have:-0} members; loading $MEMBERS with bench/run.sh first"
  bench/run.sh "$MEMBERS" >/dev/null
fi
export PATRON_DB_URL="jdbc:postgresql://127.0.0.1:5432/$DB?reWriteBatchedInserts=true" PATRON_DB_USER=postgres PATRON_DB_PASSWORD=
export PATRON_BOOTSTRAP_TILL_KEY=$KEY PATRON_BOOTSTRAP_ADMIN_PASSWORD=bench-admin-password

if ! $PSQL -d pgbench_bench -c "SELECT 1 FROM pgbench_branches LIMIT 1" >/dev/null 2>&1; then
  $PSQL -c "DROP DATABASE IF EXISTS pgbench_bench" -c "CREATE DATABASE pgbench_bench" >/dev/null
  pgbench -h 127.0.0.1 -U postgres -i -s 10 -q pgbench_bench >/dev/null 2>&1
fi
pgbench_tps() {
  pgbench -h 127.0.0.1 -U postgres -n -c 8 -j 2 -T "$SECONDS_PER_RUN" pgbench_bench 2>/dev/null | awk '/^tps/ {print $3; exit}'
}
echo "== baseline before: pgbench tpcb-like, scale 10, 8 clients, ${SECONDS_PER_RUN} s, TCP 127.0.0.1"
TPS_BEFORE=$(pgbench_tps); echo "   tps = $TPS_BEFORE"

$PSQL -d $DB -c "SELECT card_number FROM cards WHERE status = 'ACTIVE' ORDER BY random() LIMIT 50000" > "$RESULTS/cards.txt"
echo "== starting Patron on PostgreSQL (heap fixed at 512 MB)"
"$JAVA" -Xms512m -Xmx512m -jar target/patron.jar --server.port=$PORT --logging.level.patron.requests=WARN > "$RESULTS/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do curl -sf localhost:$PORT/actuator/health >/dev/null && break; sleep 1; done

export PATRON_KEY=$KEY CARDS_FILE="$RESULTS/cards.txt"
summary() { grep -E "Requests/sec|^ +50%|^ +99%|Non-2xx|Socket errors" | tr -s ' ' | tr '\n' ' '; echo; }
rate_of() { awk '/Requests\/sec/ {print $2}' "$1"; }
echo "== warm-up (90 s of commits and quotes: the JIT compiler keeps improving the till path for a minute or more)"
RUN_ID=w$(date +%s%N) wrk -t2 -c8 -d60s -s bench/commit.lua http://localhost:$PORT >/dev/null
PATH_OVERRIDE=/api/v1/purchases/quote RUN_ID=wq$(date +%s%N) wrk -t2 -c8 -d30s -s bench/commit.lua http://localhost:$PORT >/dev/null
for c in 8 32; do
  echo "== commits, $c connections, ${SECONDS_PER_RUN} s"
  RUN_ID=c$c$(date +%s%N) wrk -t2 -c$c -d${SECONDS_PER_RUN}s --latency -s bench/commit.lua http://localhost:$PORT > "$RESULTS/commit-$c.txt"
  summary < "$RESULTS/commit-$c.txt"
done
echo "== quotes, 8 connections, ${SECONDS_PER_RUN} s"
PATH_OVERRIDE=/api/v1/purchases/quote RUN_ID=q$(date +%s%N) wrk -t2 -c8 -d${SECONDS_PER_RUN}s --latency -s bench/commit.lua http://localhost:$PORT > "$RESULTS/quote-8.txt"
summary < "$RESULTS/quote-8.txt"
C8=$(rate_of "$RESULTS/commit-8.txt"); C32=$(rate_of "$RESULTS/commit-32.txt"); Q8=$(rate_of "$RESULTS/quote-8.txt")
OPEN_RATE=$(awk -v c="$C8" 'BEGIN {printf "%d", c * 0.7}')
echo "== open loop: commits at a fixed $OPEN_RATE/s (70 % of the 8-connection rate), ${SECONDS_PER_RUN} s"
"$JAVA" bench/Bench.java open-commit http://localhost:$PORT $KEY "$RESULTS/cards.txt" "$OPEN_RATE" "$SECONDS_PER_RUN" | tee "$RESULTS/open-loop.txt"
HEAP=$("$JAVA_HOME/bin/jcmd" $SERVER GC.heap_info 2>/dev/null | grep -oE 'used [0-9]+K' | head -1)
kill $SERVER; wait $SERVER 2>/dev/null || true; trap - EXIT

echo "== baseline after"
TPS_AFTER=$(pgbench_tps); echo "   tps = $TPS_AFTER"
BASE=$(awk -v a="$TPS_BEFORE" -v b="$TPS_AFTER" 'BEGIN {printf "%.0f", (a + b) / 2}')
echo "== summary (pgbench baseline $BASE tps, mean of before and after)"
awk -v c8="$C8" -v c32="$C32" -v q8="$Q8" -v base="$BASE" 'BEGIN {
  printf "   commits/s at 8 connections:   %8.0f   = %.2f x pgbench tps (target >= 0.5, stretch >= 1.0)\n", c8, c8 / base
  printf "   commits/s at 32 connections:  %8.0f   = %.0f %% of the 8-connection rate (target >= 80 %%)\n", c32, 100 * c32 / c8
  printf "   quotes/s at 8 connections:    %8.0f   = %.1f x the commit rate (target >= 3)\n", q8, q8 / c8
}'
echo "   commit latency at 8 connections: $(grep -E '^ +(50|99)%' "$RESULTS/commit-8.txt" | tr -s ' ' | tr '\n' ' ') (target p99 <= 25 ms)"
echo "   server heap after the run: $HEAP of 512 MB max"
