#!/usr/bin/env bash
# Patron's programme bench (the programme-and-rules issue), on PostgreSQL, every figure beside a
# baseline measured in the same run:
#   - the whole UCI Online Retail set imported as history  vs  psql \copy of the same files into a bare table;
#   - quote latency with 50 active rules                  vs  the same quotes with the demo's 2 rules;
#   - a back-test of the whole UCI year (50 rules beside the demo)  vs  one SQL scan of the same purchases and lines;
#   - the server's heap is fixed at 512 MB, so "memory bounded" is shown by the run finishing, and its heap is printed.
#   bench/programme.sh   (BENCH_SECONDS per wrk run, default 30)
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=18081
DB=patron_bench_programme
KEY=pt_till_bench_key_000000000000002
ADMIN=bench-admin-password
DATA=../shared/datasets/uci-online-retail/by-day
RESULTS=bench/results
SECONDS_PER_RUN="${BENCH_SECONDS:-30}"
mkdir -p "$RESULTS"
. bench/lib.sh
[ -d "$DATA" ] || { echo "the UCI data set is not at $DATA"; exit 1; }
PSQL="psql -h 127.0.0.1 -U postgres -qtA"
ms() { date +%s%3N; }

$PSQL -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null
export PATRON_DB_URL="jdbc:postgresql://127.0.0.1:5432/$DB?reWriteBatchedInserts=true" PATRON_DB_USER=postgres PATRON_DB_PASSWORD=
export PATRON_BOOTSTRAP_TILL_KEY=$KEY PATRON_BOOTSTRAP_ADMIN_PASSWORD=$ADMIN

echo "== baseline: psql \\copy of the $(ls $DATA | wc -l) UCI files into a bare table"
$PSQL -d $DB -c "CREATE TABLE raw_uci (invoice TEXT, sku TEXT, description TEXT, quantity INT, invoice_date TEXT, unit_price NUMERIC, customer TEXT, country TEXT)"
T0=$(ms)
for f in "$DATA"/*.csv; do $PSQL -d $DB -c "\\copy raw_uci FROM '$f' WITH (FORMAT csv, HEADER true)"; done
COPY_MS=$(( $(ms) - T0 ))
echo "   $($PSQL -d $DB -c 'SELECT COUNT(*) FROM raw_uci') rows in $COPY_MS ms"
$PSQL -d $DB -c "DROP TABLE raw_uci"

echo "== starting Patron on PostgreSQL (heap fixed at 512 MB)"
"$JAVA" -Xms512m -Xmx512m -jar target/patron.jar --server.port=$PORT --logging.level.patron.requests=WARN > "$RESULTS/server-programme.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 90); do curl -sf localhost:$PORT/actuator/health >/dev/null && break; sleep 1; done
echo "== Patron: import-history of the same files (history only)"
T0=$(ms)
"$JAVA" -Xms512m -Xmx512m -jar target/patron.jar --spring.main.web-application-type=none import-history "$DATA" --store=UCI > "$RESULTS/import-history.txt" 2>&1
IMPORT_MS=$(( $(ms) - T0 ))
grep -E "Rows read|Purchases|Returns|Members created" "$RESULTS/import-history.txt" | sed 's/^/   /'
echo "   $IMPORT_MS ms (including the JVM's start and the migrations)"

$PSQL -d $DB -c "VACUUM ANALYZE" >/dev/null
$PSQL -d $DB -c "SELECT card_number FROM cards WHERE status = 'ACTIVE' ORDER BY random() LIMIT 4000" > "$RESULTS/cards-programme.txt"
export PATRON_KEY=$KEY CARDS_FILE="$RESULTS/cards-programme.txt"
DEMO=$(curl -sf -u admin:$ADMIN -D - localhost:$PORT/api/v1/program -o "$RESULTS/demo-programme.json" | awk -F': ' 'tolower($1)=="program-version" {print $2}' | tr -d '\r')

quotes() {
  RUN_ID=w$(date +%s%N) PATH_OVERRIDE=/api/v1/purchases/quote wrk -t2 -c8 -d30s -s bench/commit.lua http://localhost:$PORT >/dev/null
  RUN_ID=q$(date +%s%N) PATH_OVERRIDE=/api/v1/purchases/quote wrk -t2 -c8 -d${SECONDS_PER_RUN}s --latency -s bench/commit.lua \
    http://localhost:$PORT > "$1"
  grep -E "Requests/sec|^ +50%|^ +99%|Non-2xx" "$1" | tr -s ' ' | tr '\n' ' '; echo
}
p99_ms() { awk '/^ +99%/ {v=$2; if (v ~ /ms$/) {sub(/ms/,"",v); print v} else if (v ~ /us$/) {sub(/us/,"",v); print v/1000} else {sub(/s/,"",v); print v*1000}}' "$1"; }

echo "== baseline: quotes with the demo programme's 2 rules, 8 connections, ${SECONDS_PER_RUN} s (after a 30 s warm-up)"
quotes "$RESULTS/quote-2-rules.txt"

echo "== a programme with 50 active rules (the demo's 2 and 48 generated: conditions on basket, time, categories, lines)"
python3 - "$RESULTS/demo-programme.json" > "$RESULTS/programme-50.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
kinds = ["PERCENT_DISCOUNT", "FIXED_DISCOUNT", "POINTS_MULTIPLIER", "POINTS_PER_AMOUNT", "BONUS_POINTS"]
for i in range(48):
    kind = kinds[i % len(kinds)]
    effect = {"type": kind, "value": {"PERCENT_DISCOUNT": 1 + i % 5, "FIXED_DISCOUNT": 5, "POINTS_MULTIPLIER": 2,
                                      "POINTS_PER_AMOUNT": 1, "BONUS_POINTS": 10}[kind]}
    if kind == "POINTS_PER_AMOUNT":
        effect["perAmount"] = 100
    rule = {"id": "bench-%02d" % i, "name": "Bench rule %d" % i,
            "condition": ["purchase.subtotal >= %d.0" % (100 * i), "'home' in purchase.categories && purchase.hour >= %d" % (i % 24),
                          "member.daysSinceEnrolment >= %d" % i, "purchase.lineCount >= %d && member.present == true" % (1 + i % 5)][i % 4],
            "effect": effect, "stacking": ["STACK", "BEST_OF"][i % 2], "priority": i % 7}
    if i % 3 == 0:
        rule["lineCondition"] = "line.unitPrice >= %d.0 && line.category != 'food'" % (i * 5)
    if i % 4 == 0:
        rule["caps"] = {"perReceipt": 50}
    if i % 6 == 0:
        rule["schedule"] = {"weekdays": [1, 2, 3, 4, 5, 6, 7], "fromHour": 0, "toHour": 24}
    doc["rules"].append(rule)
doc["name"] = "Bench: 50 rules"
print(json.dumps(doc))
PY
FIFTY=$(curl -sf -u admin:$ADMIN -X PUT -H 'Content-Type: application/json' --data-binary @"$RESULTS/programme-50.json" \
  "localhost:$PORT/api/v1/program?comment=bench" | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])')
echo "   version $FIFTY active"
sleep 3
echo "== quotes with 50 rules, 8 connections, ${SECONDS_PER_RUN} s (after a 30 s warm-up)"
quotes "$RESULTS/quote-50-rules.txt"

echo "== baseline again: the demo programme (version $DEMO) re-activated, quotes as before"
curl -sf -u admin:$ADMIN -X POST "localhost:$PORT/api/v1/program/versions/$DEMO/activate" >/dev/null
sleep 3
quotes "$RESULTS/quote-2-rules-after.txt"
curl -sf -u admin:$ADMIN -X POST "localhost:$PORT/api/v1/program/versions/$FIFTY/activate" >/dev/null

echo "== baseline: one SQL scan of the UCI year's purchases and lines"
T0=$(ms)
$PSQL -d $DB -c "SELECT COUNT(*), SUM(l.amount) FROM purchases p JOIN purchase_lines l ON l.purchase_id = p.id WHERE p.occurred_at >= '2010-12-01' AND p.occurred_at < '2011-12-10'" >/dev/null
SCAN_MS=$(( $(ms) - T0 ))
echo "   $SCAN_MS ms"
echo "== back-test of the UCI year: version $FIFTY (50 rules) beside version $DEMO (the demo)"
ID=$(curl -sf -u admin:$ADMIN -H 'Content-Type: application/json' -d "{\"candidateVersion\": $FIFTY, \"baselineVersion\": $DEMO,
  \"from\": \"2010-12-01\", \"to\": \"2011-12-09\", \"storeCode\": \"UCI\"}" localhost:$PORT/api/v1/backtests \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
while true; do
  curl -sf -u admin:$ADMIN localhost:$PORT/api/v1/backtests/$ID > "$RESULTS/backtest.json"
  STATUS=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["status"])' "$RESULTS/backtest.json")
  case "$STATUS" in DONE|FAILED|CANCELLED) break ;; esac
  sleep 1
done
BACKTEST_MS=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["result"]["durationMillis"] if r["result"] else -1)' "$RESULTS/backtest.json")
python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["result"]
for side in ("baseline", "candidate"):
    s = r[side]
    print("   %-9s v%-3s receipts %d, discounts %s, points issued %d, liability %d" % (side, s["version"], s["receipts"], s["discountTotal"], s["pointsIssued"], s["liabilityPoints"]))' "$RESULTS/backtest.json"
HEAP=$("$JAVA_HOME/bin/jcmd" $SERVER GC.heap_info 2>/dev/null | grep -oE 'used [0-9]+K' | head -1)
kill $SERVER; wait $SERVER 2>/dev/null || true; trap - EXIT

P2=$(awk -v a="$(p99_ms "$RESULTS/quote-2-rules.txt")" -v b="$(p99_ms "$RESULTS/quote-2-rules-after.txt")" 'BEGIN {print (a + b) / 2}')
P50=$(p99_ms "$RESULTS/quote-50-rules.txt")
echo "== summary"
awk -v c="$COPY_MS" -v i="$IMPORT_MS" -v p2="$P2" -v p50="$P50" -v s="$SCAN_MS" -v b="$BACKTEST_MS" 'BEGIN {
  printf "   UCI import (541,909 rows):      %6.1f s  = %.1f x psql \\copy of the same files (target <= 60 s)\n", i / 1000, i / c
  printf "   quote p99 with 50 rules:        %6.2f ms = %.2f x the p99 with 2 rules, before and after (target <= 10 ms at 8 connections)\n", p50, p50 / p2
  printf "   back-test of the UCI year:      %6.1f s  = %.0f x one SQL scan of its purchases and lines (target <= 15 s)\n", b / 1000, b / (s > 0 ? s : 1)
}'
echo "   server heap after the run: $HEAP of 512 MB max"
