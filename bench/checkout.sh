#!/usr/bin/env bash
# The till's sale at the database's own speed (issue "till path"): commits over HTTP against
# PostgreSQL's own tpcb-like pgbench workload measured on the same machine in the same run, before and
# after, so every figure is a ratio; then how a sale's cost grows with a member's history.
#   bench/checkout.sh            (PostgreSQL on 127.0.0.1:5432, trust authentication)
# 1. pgbench tpcb-like, scale 10, 8 clients, TCP, 20 s                                   (before)
# 2. Patron on a fresh database, the whole demo programme active, 300 members enrolled
# 3. wrk closed loop, 8 connections on one till key, 5-line baskets: 8 s warm-up, then 20 s measured
# 4. pgbench again                                                                       (after)
# 5. one member, 3,000 sequential commits: medians of commits 451-500 and of the last 50; then 50
#    quotes for that member and 50 for a new one
# The ratio commits/s : pgbench tps is printed last, with the targets of the issue.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=18081
DB=patron_bench_checkout
ADMIN=bench-admin-password
KEY=pt_till_bench_key_000000000000001
RESULTS=bench/results
SECONDS_PER_RUN="${BENCH_SECONDS:-20}"
HISTORY="${BENCH_HISTORY:-3000}"
mkdir -p "$RESULTS"
. bench/lib.sh

if ! $PSQL -d pgbench_bench -c "SELECT 1 FROM pgbench_branches LIMIT 1" >/dev/null 2>&1; then
  $PSQL -c "DROP DATABASE IF EXISTS pgbench_bench" -c "CREATE DATABASE pgbench_bench" >/dev/null
  pgbench -h 127.0.0.1 -U postgres -i -s 10 -q pgbench_bench >/dev/null 2>&1
fi
pgbench_tps() {
  pgbench -h 127.0.0.1 -U postgres -n -c 8 -j 2 -T "$SECONDS_PER_RUN" pgbench_bench 2>/dev/null | awk '/^tps/ {print $3; exit}'
}
echo "== baseline before: pgbench tpcb-like, scale 10, 8 clients, ${SECONDS_PER_RUN} s, TCP 127.0.0.1"
TPS_BEFORE=$(pgbench_tps); echo "   tps = $TPS_BEFORE"

fresh_database
export PATRON_BOOTSTRAP_TILL_KEY=$KEY
# pg_stat_statements (when the server preloads it) counts the statements of the commits.
$PSQL -d $DB -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null 2>&1 || true
start_patron checkout
echo "== 300 members enrolled through the API"
"$JAVA" bench/Bench.java members http://localhost:$PORT $KEY 300 "$RESULTS/checkout-cards.txt"
export PATRON_KEY=$KEY CARDS_FILE="$RESULTS/checkout-cards.txt"
echo "== warm-up: 8 s of commits"
RUN_ID=w$(date +%s%N) wrk -t2 -c8 -d8s -s bench/commit.lua http://localhost:$PORT >/dev/null
$PSQL -d $DB -c "SELECT pg_stat_statements_reset()" >/dev/null 2>&1 || true
echo "== commits, 8 connections, one till key, ${SECONDS_PER_RUN} s"
RUN_ID=c8$(date +%s%N) wrk -t2 -c8 -d${SECONDS_PER_RUN}s --latency -s bench/commit.lua http://localhost:$PORT > "$RESULTS/checkout-commit-8.txt"
grep -E "Requests/sec|^ +50%|^ +99%|Non-2xx|Socket errors" "$RESULTS/checkout-commit-8.txt" | tr -s ' ' | sed 's/^/   /'
C8=$(awk '/Requests\/sec/ {print $2}' "$RESULTS/checkout-commit-8.txt")
P99=$(awk '/^ +99%/ {print $2}' "$RESULTS/checkout-commit-8.txt")
STATEMENTS=$($PSQL -d $DB -c "SELECT SUM(calls) FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = '$DB')" 2>/dev/null || echo "")
TRANSACTIONS=$($PSQL -d $DB -c "SELECT xact_commit FROM pg_stat_database WHERE datname = '$DB'" 2>/dev/null || echo "")

echo "== history: one member, $HISTORY sequential commits, then quotes"
"$JAVA" bench/Bench.java history http://localhost:$PORT $KEY "$HISTORY" | tee "$RESULTS/checkout-history.txt"
stop_patron

echo "== the same commits with group commit on (patron.checkout.group-commit.enabled=true)"
PATRON_EXTRA_ARGS="--patron.checkout.group-commit.enabled=true" start_patron checkout-group
RUN_ID=gw$(date +%s%N) wrk -t2 -c8 -d8s -s bench/commit.lua http://localhost:$PORT >/dev/null
RUN_ID=g8$(date +%s%N) wrk -t2 -c8 -d${SECONDS_PER_RUN}s --latency -s bench/commit.lua http://localhost:$PORT > "$RESULTS/checkout-group-8.txt"
grep -E "Requests/sec|^ +50%|^ +99%|Non-2xx|Socket errors" "$RESULTS/checkout-group-8.txt" | tr -s ' ' | sed 's/^/   /'
G8=$(awk '/Requests\/sec/ {print $2}' "$RESULTS/checkout-group-8.txt")
GP99=$(awk '/^ +99%/ {print $2}' "$RESULTS/checkout-group-8.txt")
stop_patron

echo "== baseline after"
TPS_AFTER=$(pgbench_tps); echo "   tps = $TPS_AFTER"
BASE=$(awk -v a="$TPS_BEFORE" -v b="$TPS_AFTER" 'BEGIN {printf "%.0f", (a + b) / 2}')
REQUESTS=$(awk '/requests in/ {print $1}' "$RESULTS/checkout-commit-8.txt")
echo "== summary (pgbench baseline $BASE tps, mean of before and after)"
if [ -n "$STATEMENTS" ] && [ -n "$REQUESTS" ]; then
  awk -v s="$STATEMENTS" -v r="$REQUESTS" 'BEGIN { if (s > 0) printf "   statements per commit (pg_stat_statements, all of the run): %.1f\n", s / r }'
fi
cat "$RESULTS/checkout-history.txt"
echo "   commit p99 at 8 connections: $P99 (target <= 25 ms, beyond <= 10 ms)"
echo "   with group commit: $G8 commits/s, p99 $GP99"
awk -v c8="$C8" -v base="$BASE" 'BEGIN {
  printf "   commits/s at 8 connections: %.0f = %.2f x pgbench tps (target >= 0.5, beyond >= 1.0)\n", c8, c8 / base
}'
