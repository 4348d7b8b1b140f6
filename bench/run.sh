#!/usr/bin/env bash
# Patron's bench: starts Patron on PostgreSQL with MEMBERS members and measures, in one run,
#   - the CSV member import (rows/s),
#   - API enrolment (enrolments/s at CLIENTS clients),
#   - lookup by card (p50/p99 at 8 clients) against a baseline: the same lookup as plain SQL
#     through pgbench on the same database, so the figure reads as a ratio to the machine.
# Usage: bench/run.sh [MEMBERS]   (default 1000000). Needs PostgreSQL on 127.0.0.1:5432 (trust auth).
set -euo pipefail
cd "$(dirname "$0")/.."
MEMBERS="${1:-1000000}"
PORT=18080
DB=patron_bench
KEY=pt_till_bench_key_000000000000001
RESULTS=bench/results
mkdir -p "$RESULTS"
. bench/lib.sh

psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null
export PATRON_DB_URL="jdbc:postgresql://127.0.0.1:5432/$DB?reWriteBatchedInserts=true" PATRON_DB_USER=postgres PATRON_DB_PASSWORD=
export PATRON_BOOTSTRAP_TILL_KEY=$KEY PATRON_BOOTSTRAP_ADMIN_PASSWORD=bench-admin-password

echo "== generating $MEMBERS members"
"$JAVA" bench/Bench.java gen-members "$MEMBERS" "$RESULTS/members.csv"

echo "== starting Patron on PostgreSQL (heap fixed at 512 MB)"
"$JAVA" -Xms512m -Xmx512m -jar target/patron.jar --server.port=$PORT --logging.level.patron.requests=WARN > "$RESULTS/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do curl -sf localhost:$PORT/actuator/health >/dev/null && break; sleep 1; done

echo "== CSV import of $MEMBERS members (command line, same database)"
"$JAVA" -Xmx512m -jar target/patron.jar import-members "$RESULTS/members.csv" --spring.main.web-application-type=none | tee "$RESULTS/import.txt" | grep -E "Rows read|Imported|Rejected|Time"
psql -h 127.0.0.1 -U postgres -d $DB -qc "VACUUM ANALYZE" >/dev/null

psql -h 127.0.0.1 -U postgres -d $DB -tAc "SELECT card_number FROM cards ORDER BY random() LIMIT 20000" > "$RESULTS/cards.txt"
echo "== baseline: the same lookup as plain SQL (pgbench, 8 clients, 20 s)"
cat > "$RESULTS/lookup.sql" <<SQL
\set n random(1, $MEMBERS)
SELECT m.* FROM members m JOIN cards c ON c.member_id = m.id WHERE m.external_id = 'C' || :n;
SQL
pgbench -h 127.0.0.1 -U postgres -n -c 8 -j 2 -T 20 -r -f "$RESULTS/lookup.sql" $DB 2>/dev/null | grep -E "^tps|latency average" | tee "$RESULTS/pgbench-lookup.txt"

export PATRON_KEY=$KEY CARDS_FILE="$RESULTS/cards.txt" RUN_ID=$(date +%s)
wrk_summary() { grep -E "Requests/sec|^ +50%|^ +99%|Non-2xx|Socket errors"; }
echo "== lookup by card over HTTP (wrk, 8 connections, 10 s warm-up, then 20 s)"
wrk -t2 -c8 -d10s -s bench/lookup.lua http://localhost:$PORT >/dev/null
wrk -t2 -c8 -d20s --latency -s bench/lookup.lua http://localhost:$PORT | wrk_summary | tee "$RESULTS/lookup.txt"
echo "== enrolment over HTTP (wrk, 8 and 32 connections, 20 s)"
for clients in 8 32; do
  echo "-- $clients connections"
  export RUN_ID=$(date +%s%N)
  wrk -t2 -c$clients -d20s --latency -s bench/enrol.lua http://localhost:$PORT | wrk_summary | tee -a "$RESULTS/enrol.txt"
done
SQL_TPS=$(awk '/^tps/ {print $3}' "$RESULTS/pgbench-lookup.txt" | head -1)
HTTP_RATE=$(awk '/Requests\/sec/ {print $2}' "$RESULTS/lookup.txt")
echo "== ratio: HTTP lookups/s over plain-SQL lookups/s = $(awk -v a="$HTTP_RATE" -v b="$SQL_TPS" 'BEGIN {printf "%.2f", a/b}')"
echo "== server heap: $("$JAVA_HOME/bin/jcmd" $SERVER GC.heap_info 2>/dev/null | head -2 | tr -s ' ' | tr '\n' ' ')"
