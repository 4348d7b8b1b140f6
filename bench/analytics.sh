#!/usr/bin/env bash
# Patron's analytics bench (the analytics issue), on PostgreSQL: 1,000,000 members (imported with the
# jar) and 10,000,000 purchases over two years (inserted with SQL, their roll-ups filled in SQL as if
# the job had kept up); then one more day of receipts, which the roll-up job must take in within 10 s,
# and every dashboard query timed through the API (target 1 s) — beside a baseline measured in the
# same run: PostgreSQL counting the purchases table.
#   bench/analytics.sh [MEMBERS]   (default 1000000; 10 purchases a member on average)
set -euo pipefail
cd "$(dirname "$0")/.."
MEMBERS="${1:-1000000}"
PORT=18084
DB=patron_bench_analytics
ADMIN=bench-admin-password
RESULTS=bench/results
mkdir -p "$RESULTS"
. bench/lib.sh
fresh_database
start_patron analytics
import_members "$MEMBERS"
echo "== 10 purchases a member on average over two years (SQL); a fifth of them anonymous"
T0=$(date +%s)
$PSQL -d $DB <<'SQL'
INSERT INTO purchases (id, store_id, receipt_id, member_id, occurred_at, recorded_at, program_version, currency, subtotal,
    discount_total, points_redeemed, points_value, total, eligible_paid, points_earned, request_hash, response)
SELECT nextval('purchase_seq'), 1, 'AN-' || m.id || '-' || g, CASE WHEN g % 5 = 0 THEN NULL ELSE m.id END,
       now() - interval '2 hours' - ((m.id * 7 + g * 37) % 730) * interval '1 day', now() - interval '2 hours', 1, 'RUB',
       100 + (m.id * 13 + g * 17) % 2000, 0, 0, 0, 100 + (m.id * 13 + g * 17) % 2000, 100 + (m.id * 13 + g * 17) % 2000, 0, 'bench', '{}'
FROM members m CROSS JOIN LATERAL generate_series(1, 1 + (m.id % 19)) AS g;
VACUUM ANALYZE purchases;
SQL
echo "   $($PSQL -d $DB -c "SELECT COUNT(*) FROM purchases") purchases in $(( $(date +%s) - T0 )) s"
echo "== baseline: SELECT COUNT(*) FROM purchases (psql, best of 3)"
BASE=999999
for _ in 1 2 3; do
  T0=$(date +%s%N); $PSQL -d $DB -c "SELECT COUNT(*) FROM purchases" >/dev/null; T=$(( ($(date +%s%N) - T0) / 1000000 ))
  [ "$T" -lt "$BASE" ] && BASE=$T
done
echo "   $BASE ms"
echo "== roll-ups of the history filled in SQL (as if the job had kept up all along), watermark set"
T0=$(date +%s)
$PSQL -d $DB <<'SQL'
INSERT INTO rollup_daily (sale_day, store_id, receipts, member_receipts, sales, member_sales, refunds)
SELECT (p.occurred_at AT TIME ZONE s.time_zone)::date, p.store_id, COUNT(*), COUNT(p.member_id), SUM(p.subtotal - p.discount_total),
       COALESCE(SUM(CASE WHEN p.member_id IS NOT NULL THEN p.subtotal - p.discount_total END), 0), 0
FROM purchases p JOIN stores s ON s.id = p.store_id GROUP BY 1, 2;
INSERT INTO rollup_member_month (member_id, store_id, sale_month, receipts, sales)
SELECT p.member_id, p.store_id, date_trunc('month', p.occurred_at AT TIME ZONE s.time_zone)::date, COUNT(*), SUM(p.subtotal - p.discount_total)
FROM purchases p JOIN stores s ON s.id = p.store_id WHERE p.member_id IS NOT NULL GROUP BY 1, 2, 3;
INSERT INTO rollup_members_daily (enrol_day, store_id, enrolled)
SELECT (created_at AT TIME ZONE 'UTC')::date, COALESCE(enrolled_store_id, 0), COUNT(*) FROM members GROUP BY 1, 2;
UPDATE rollup_state SET last_id = (SELECT MAX(id) FROM purchases) WHERE name = 'purchases';
UPDATE rollup_state SET last_id = (SELECT MAX(id) FROM members) WHERE name = 'members';
-- The range and cohort cells are worked out from the member-month roll-up by the next catch-up, as after an upgrade.
UPDATE rollup_state SET last_id = 0 WHERE name = 'member_ranges';
VACUUM ANALYZE rollup_daily;
VACUUM ANALYZE rollup_member_month;
SQL
echo "   $($PSQL -d $DB -c "SELECT COUNT(*) FROM rollup_member_month") member-month rows in $(( $(date +%s) - T0 )) s"
echo "== range and cohort cells worked out from the member-month roll-up (once, at the upgrade that brings them)"
curl -sf -u admin:$ADMIN -X POST localhost:$PORT/api/v1/analytics/rollups/catch-up >/dev/null
grep -o 'Range and cohort cells worked out.*' "$RESULTS/server-analytics.log" | sed 's/^/   /'
echo "== every member's tier recorded (the daily job)"
curl -sf -u admin:$ADMIN -X POST localhost:$PORT/api/v1/analytics/tiers/record | sed 's/^/   /'; echo
echo "== one more day: 30,000 receipts, then the catch-up (target <= 10 s)"
$PSQL -d $DB <<'SQL'
INSERT INTO purchases (id, store_id, receipt_id, member_id, occurred_at, recorded_at, program_version, currency, subtotal,
    discount_total, points_redeemed, points_value, total, eligible_paid, points_earned, request_hash, response)
SELECT nextval('purchase_seq'), 1, 'DAY-' || g, CASE WHEN g % 5 = 0 THEN NULL ELSE 1 + (g * 7919) % 900000 END,
       now() - interval '90 minutes', now() - interval '90 minutes', 1, 'RUB', 100 + g % 2000, 0, 0, 0, 100 + g % 2000,
       100 + g % 2000, 0, 'bench', '{}'
FROM generate_series(1, 30000) AS g WHERE EXISTS (SELECT 1 FROM members WHERE id = 1 + (g * 7919) % 900000) OR g % 5 = 0;
SQL
# The job takes in rows whose ids it saw a minute earlier: look once, wait, then time the catch-up.
curl -sf -u admin:$ADMIN -X POST localhost:$PORT/api/v1/analytics/rollups/catch-up >/dev/null
sleep 61
curl -sf -u admin:$ADMIN -X POST localhost:$PORT/api/v1/analytics/rollups/catch-up | sed 's/^/   /'; echo
TODAY=$(date -u +%F)
timed() {
  local best=999
  for _ in 1 2 3; do
    T=$(curl -sf -o /dev/null -w '%{time_total}' -u admin:$ADMIN "localhost:$PORT$1")
    best=$(awk -v a="$T" -v b="$best" 'BEGIN {print (a < b) ? a : b}')
  done
  awk -v t="$best" -v b="$BASE" -v p="$1" 'BEGIN {printf "   %-90s %6.2f s = %5.2f x the count\n", p, t, t * 1000 / b}'
}
echo "== dashboard queries through the API (best of 3; target <= 1 s each)"
timed "/api/v1/analytics/summary?from=$(date -u -d '29 days ago' +%F)&to=$TODAY"
timed "/api/v1/analytics/summary?from=$(date -u -d '364 days ago' +%F)&to=$TODAY"
timed "/api/v1/analytics/daily?from=$(date -u -d '364 days ago' +%F)&to=$TODAY"
timed "/api/v1/analytics/cohorts?from=$(date -u -d '11 months ago' +%F)&to=$TODAY&months=12"
timed "/api/v1/analytics/points?from=$(date -u -d '29 days ago' +%F)&to=$TODAY"
timed "/api/v1/analytics/tiers?from=$(date -u -d '29 days ago' +%F)&to=$TODAY"
timed "/api/v1/analytics/referrers?from=$(date -u -d '29 days ago' +%F)&to=$TODAY"
echo "== the whole dashboard page, signed in (best of 3; target <= 1 s)"
JAR=$(mktemp)
curl -sf -c "$JAR" -b "$JAR" localhost:$PORT/login -o /tmp/login.html
CSRF=$(grep -o 'name="_csrf" value="[^"]*"' /tmp/login.html | sed 's/.*value="//; s/"$//')
curl -sf -c "$JAR" -b "$JAR" -o /dev/null -d "username=admin&password=$ADMIN&_csrf=$CSRF" localhost:$PORT/login
for range in "29 days ago" "364 days ago"; do
  best=999
  for _ in 1 2 3; do
    T=$(curl -sf -b "$JAR" -o /dev/null -w '%{time_total}' "localhost:$PORT/admin/analytics?from=$(date -u -d "$range" +%F)&to=$TODAY")
    best=$(awk -v a="$T" -v b="$best" 'BEGIN {print (a < b) ? a : b}')
  done
  awk -v t="$best" -v b="$BASE" -v p="/admin/analytics from $range" 'BEGIN {printf "   %-90s %6.2f s = %5.2f x the count\n", p, t, t * 1000 / b}'
done
rm -f "$JAR"
stop_patron
