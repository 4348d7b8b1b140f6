#!/usr/bin/env bash
# Fraud monitoring's cost to the till (issue "points are money"): the commit rate with the demo
# programme's velocity rules on, against the same programme without them, in the same run, alternating
# on and off so that drift of the machine falls on both. The rules run after each commit (an event
# reaction), on the same CPUs; the commit itself only reads a member's hold when points are spent.
#   bench/fraud.sh            (PostgreSQL on 127.0.0.1:5432, trust authentication)
# 1. Patron on a fresh database, the demo programme, 300 members enrolled
# 2. a 15 s warm-up, then four rounds of wrk (8 connections, one till key, 5-line baskets, 8 s warm-up,
#    20 s measured each): rules on, off, off, on
# 3. the ratio of the mean rates, and whether the reactions kept up (events left in the queue)
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=18083
DB=patron_bench_fraud
ADMIN=bench-admin-password
KEY=pt_till_bench_key_000000000000003
RESULTS=bench/results
SECONDS_PER_RUN="${BENCH_SECONDS:-20}"
mkdir -p "$RESULTS"
. bench/lib.sh

fresh_database
export PATRON_BOOTSTRAP_TILL_KEY=$KEY
start_patron fraud
echo "== 300 members enrolled through the API"
"$JAVA" bench/Bench.java members http://localhost:$PORT $KEY 300 "$RESULTS/fraud-cards.txt"
export PATRON_KEY=$KEY CARDS_FILE="$RESULTS/fraud-cards.txt"
curl -sf -u "admin:$ADMIN" localhost:$PORT/api/v1/program > "$RESULTS/fraud-programme-on.json"
jq 'del(.fraud)' "$RESULTS/fraud-programme-on.json" > "$RESULTS/fraud-programme-off.json"

activate() {
  curl -sf -u "admin:$ADMIN" -X PUT -H 'Content-Type: application/json' --data-binary "@$RESULTS/fraud-programme-$1.json" \
    "localhost:$PORT/api/v1/program?comment=bench-$1" >/dev/null
  sleep 3 # every instance reads the active version again within 2 s
}

round() {
  activate "$1"
  RUN_ID=w$1$2$(date +%s%N) wrk -t2 -c8 -d8s -s bench/commit.lua http://localhost:$PORT >/dev/null
  RUN_ID=m$1$2$(date +%s%N) wrk -t2 -c8 -d${SECONDS_PER_RUN}s --latency -s bench/commit.lua http://localhost:$PORT > "$RESULTS/fraud-$1-$2.txt"
  local rate
  rate=$(awk '/Requests\/sec/ {print $2}' "$RESULTS/fraud-$1-$2.txt")
  echo "   rules $1, round $2: $rate commits/s, p99 $(awk '/^ +99%/ {print $2}' "$RESULTS/fraud-$1-$2.txt"), $(grep -c Non-2xx "$RESULTS/fraud-$1-$2.txt" || true) runs with non-2xx"
  echo "$rate" >> "$RESULTS/fraud-$1.rates"
}

rm -f "$RESULTS/fraud-on.rates" "$RESULTS/fraud-off.rates"
echo "== warm-up: 15 s of commits"
RUN_ID=w$(date +%s%N) wrk -t2 -c8 -d15s -s bench/commit.lua http://localhost:$PORT >/dev/null
echo "== commits, 8 connections, ${SECONDS_PER_RUN} s per round, in the order on, off, off, on (a steady drift falls on both alike)"
round on 1
round off 1
round off 2
round on 2
sleep 5
LEFT=$($PSQL -d $DB -c "SELECT COUNT(*) FROM events")
CASES=$($PSQL -d $DB -c "SELECT COUNT(*) FROM fraud_cases")
stop_patron

ON=$(awk '{s += $1} END {printf "%.0f", s / NR}' "$RESULTS/fraud-on.rates")
OFF=$(awk '{s += $1} END {printf "%.0f", s / NR}' "$RESULTS/fraud-off.rates")
echo "== summary"
echo "   events not yet reacted to 5 s after the last round: $LEFT; cases opened: $CASES"
awk -v on="$ON" -v off="$OFF" 'BEGIN {
  printf "   commits/s with the velocity rules %.0f, without %.0f: %.2f x (target: within 10 %%, >= 0.90)\n", on, off, on / off
}'
