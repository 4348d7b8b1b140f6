#!/usr/bin/env bash
# Patron's personal-offers bench (the transparency and personal-touch issue), on PostgreSQL: 1,000,000
# members (imported with the jar) and four purchases a member on average over the last year with two
# lines each (inserted with SQL); then every member's profile worked out (target: 1,000,000 members in
# 5 minutes or less) and a batch of offers proposed for review — beside a baseline measured in the same
# run: PostgreSQL grouping the purchase lines by member and category.
#   bench/offers.sh [MEMBERS]   (default 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
MEMBERS="${1:-1000000}"
PORT=18085
DB=patron_bench_offers
ADMIN=bench-admin-password
RESULTS=bench/results
mkdir -p "$RESULTS"
. bench/lib.sh
fresh_database
start_patron offers
import_members "$MEMBERS"
echo "== four purchases a member on average over the last year, two lines each (SQL)"
T0=$(date +%s)
$PSQL -d $DB <<'SQL'
INSERT INTO purchases (id, store_id, receipt_id, member_id, occurred_at, recorded_at, program_version, currency, subtotal,
    discount_total, points_redeemed, points_value, total, eligible_paid, points_earned, request_hash, response)
SELECT nextval('purchase_seq'), 1, 'OF-' || m.id || '-' || g, m.id,
       now() - interval '2 hours' - ((m.id * 7 + g * 53) % 360) * interval '1 day', now() - interval '2 hours', 1, 'RUB',
       300, 0, 0, 0, 300, 300, 0, 'bench', '{}'
FROM members m CROSS JOIN LATERAL generate_series(1, 1 + (m.id % 7)) AS g;
INSERT INTO purchase_lines (purchase_id, line_no, line_id, sku, name, category, quantity, unit_price, amount, discount, points_value, paid, eligible)
SELECT p.id, k, k::text, 'SKU' || k, 'item', (ARRAY['coffee','tea','bread','milk','fruit','cheese','wine'])[1 + (p.member_id * k + p.id % 3) % 7],
       1, CASE WHEN k = 1 THEN 200 ELSE 100 END, CASE WHEN k = 1 THEN 200 ELSE 100 END, 0, 0, CASE WHEN k = 1 THEN 200 ELSE 100 END, TRUE
FROM purchases p CROSS JOIN generate_series(1, 2) AS k;
VACUUM ANALYZE purchases;
VACUUM ANALYZE purchase_lines;
SQL
echo "   $($PSQL -d $DB -c "SELECT COUNT(*) FROM purchases") purchases, $($PSQL -d $DB -c "SELECT COUNT(*) FROM purchase_lines") lines in $(( $(date +%s) - T0 )) s"
echo "== baseline: spend per member and category, in psql (best of 2)"
BASE=999999
for _ in 1 2; do
  T0=$(date +%s%N)
  $PSQL -d $DB -c "SELECT COUNT(*) FROM (SELECT p.member_id, l.category, SUM(l.amount) FROM purchases p JOIN purchase_lines l ON l.purchase_id = p.id GROUP BY 1, 2) x" >/dev/null
  T=$(( ($(date +%s%N) - T0) / 1000000 )); [ "$T" -lt "$BASE" ] && BASE=$T
done
echo "   $BASE ms"
echo "== every member's profile worked out (target <= 300 s)"
curl -sf -m 3600 -u admin:$ADMIN -X POST localhost:$PORT/api/v1/offers/profiles | sed 's/^/   /'; echo
echo "== a batch proposed: 15 % off the favourite category, 10 % held out"
T0=$(date +%s%N)
curl -sf -m 3600 -u admin:$ADMIN -H 'Content-Type: application/json' -X POST localhost:$PORT/api/v1/offers \
  -d '{"kind":"FAVOURITE_CATEGORY","name":"Bench","percent":15,"minShare":0.3,"minVisits":2,"holdoutPercent":10}' \
  | grep -o '"candidates":[0-9]*,"treated":[0-9]*,"heldOut":[0-9]*,"expectedCost":[0-9.]*' | sed 's/^/   /'
echo "   in $(( ($(date +%s%N) - T0) / 1000000 )) ms (baseline $BASE ms)"
stop_patron
