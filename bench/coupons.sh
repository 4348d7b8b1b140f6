#!/usr/bin/env bash
# Patron's coupon bench (the coupons issue), on PostgreSQL: 1,000,000 unique random codes generated
# through the API, beside a baseline measured in the same run — PostgreSQL inserting a million
# random 10-character strings into a bare table with a unique index (no Patron at all).
#   bench/coupons.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=18082
DB=patron_bench_coupons
ADMIN=bench-admin-password
RESULTS=bench/results
mkdir -p "$RESULTS"
. bench/lib.sh
PSQL="psql -h 127.0.0.1 -U postgres -qtA"
ms() { date +%s%3N; }

$PSQL -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null
echo "== baseline: a million random 10-character strings into a bare table with a unique index (plain SQL)"
$PSQL -d $DB -c "CREATE TABLE raw_codes (id BIGSERIAL PRIMARY KEY, code VARCHAR(64) NOT NULL UNIQUE)"
T0=$(ms)
$PSQL -d $DB -c "INSERT INTO raw_codes (code) SELECT upper(substr(md5(random()::text), 1, 10)) FROM generate_series(1, 1000000) ON CONFLICT DO NOTHING"
BASE_MS=$(( $(ms) - T0 ))
echo "   $BASE_MS ms"
$PSQL -d $DB -c "DROP TABLE raw_codes"

export PATRON_DB_URL="jdbc:postgresql://127.0.0.1:5432/$DB" PATRON_DB_USER=postgres PATRON_DB_PASSWORD=
export PATRON_BOOTSTRAP_ADMIN_PASSWORD=$ADMIN
"$JAVA" -Xms512m -Xmx512m -jar target/patron.jar --server.port=$PORT > "$RESULTS/server-coupons.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 90); do curl -sf localhost:$PORT/actuator/health >/dev/null && break; sleep 1; done
ID=$(curl -sf -u admin:$ADMIN -H 'Content-Type: application/json' \
  -d '{"code": "BENCH", "name": "Bench", "effectType": "FIXED_DISCOUNT", "effectValue": 100}' \
  localhost:$PORT/api/v1/coupon-campaigns | python3 -c 'import json,sys; print(json.load(sys.stdin)["campaign"]["id"])')
echo "== Patron: 1,000,000 codes for campaign $ID through POST /api/v1/coupon-campaigns/$ID/codes"
T0=$(ms)
curl -sf -u admin:$ADMIN -H 'Content-Type: application/json' -d '{"count": 1000000}' localhost:$PORT/api/v1/coupon-campaigns/$ID/codes
echo
GEN_MS=$(( $(ms) - T0 ))
DISTINCT=$($PSQL -d $DB -c "SELECT COUNT(DISTINCT code) FROM coupons WHERE campaign_id = $ID")
kill $SERVER; wait $SERVER 2>/dev/null || true; trap - EXIT
echo "== summary"
awk -v g="$GEN_MS" -v b="$BASE_MS" -v d="$DISTINCT" 'BEGIN {
  printf "   1,000,000 codes generated:  %5.1f s = %.1f x plain SQL inserting a million random strings (target <= 10 s); %d distinct\n", g / 1000, g / b, d
}'
