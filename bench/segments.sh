#!/usr/bin/env bash
# Patron's segment bench (the messaging/segments issue), on PostgreSQL: 1,000,000 members (generated
# and imported with the jar, like bench/run.sh) and 1 to 5 purchases a member, 3,000,000 in all, over a
# year (inserted with SQL), then POST /api/v1/segments/count for several definitions, each beside a baseline measured in
# the same run: PostgreSQL counting the members table alone.
#   bench/segments.sh [MEMBERS]   (default 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
MEMBERS="${1:-1000000}"
PORT=18083
DB=patron_bench_segments
ADMIN=bench-admin-password
RESULTS=bench/results
mkdir -p "$RESULTS"
. bench/lib.sh
fresh_database
start_patron segments
import_members "$MEMBERS"
echo "== 3 purchases a member on average over the last year (SQL)"
$PSQL -d $DB <<'SQL'
INSERT INTO purchases (id, store_id, receipt_id, member_id, occurred_at, recorded_at, program_version, currency, subtotal,
    discount_total, points_redeemed, points_value, total, eligible_paid, points_earned, request_hash, response)
SELECT nextval('purchase_seq'), 1, 'SEG-' || m.id || '-' || g, m.id,
       now() - ((m.id * 7 + g * 131) % 365) * interval '1 day', now(), 1, 'RUB', 100 + (m.id * 13 + g * 17) % 2000, 0, 0, 0,
       100 + (m.id * 13 + g * 17) % 2000, 100 + (m.id * 13 + g * 17) % 2000, 0, 'bench', '{}'
FROM members m CROSS JOIN LATERAL generate_series(1, 1 + (m.id % 5)) AS g;
VACUUM ANALYZE;
SQL
count() {
  local body="$1"
  curl -sf -o /dev/null -w '%{time_total}' -u admin:$ADMIN -H 'Content-Type: application/json' -d "$body" \
    localhost:$PORT/api/v1/segments/count
}
echo "== baseline: SELECT COUNT(*) FROM members (psql, best of 3)"
BASE=9999
for _ in 1 2 3; do
  T0=$(date +%s%N); $PSQL -d $DB -c "SELECT COUNT(*) FROM members" >/dev/null; T=$(( ($(date +%s%N) - T0) / 1000000 ))
  [ "$T" -lt "$BASE" ] && BASE=$T
done
echo "   $BASE ms"
count '{}' >/dev/null
echo "== segment counts through the API (best of 3 each)"
for def in '{"languages": ["ru"]}' '{"categories": ["PENSIONER"], "emailConsent": true}' \
           '{"windowDays": 90, "purchasesMin": 2}' '{"lastPurchaseDaysMin": 60, "purchasedEver": true}' \
           '{"windowDays": 365, "spendMin": 3000, "languages": ["ru", "en"]}'; do
  BEST=999
  for _ in 1 2 3; do
    T=$(count "$def"); BEST=$(awk -v a="$T" -v b="$BEST" 'BEGIN {print (a < b) ? a : b}')
  done
  N=$(curl -sf -u admin:$ADMIN -H 'Content-Type: application/json' -d "$def" localhost:$PORT/api/v1/segments/count)
  awk -v t="$BEST" -v b="$BASE" -v d="$def" -v n="$N" 'BEGIN {printf "   %-70s %6.2f s = %5.1f x the members count  %s\n", d, t, t * 1000 / b, n}'
done
stop_patron
echo "   (target: a segment count in <= 2 s on PostgreSQL with 1,000,000 members)"
