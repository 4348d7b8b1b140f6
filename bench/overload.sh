#!/usr/bin/env bash
# Overload (the production issue), on PostgreSQL: the till's commits from closed-loop clients, first
# at rising concurrency to find the peak of successful commits per second, then at twice the
# concurrency that reached it. Target: successful commits at twice the saturating load >= 80 % of the
# peak, the excess refused quickly (429/503 with Retry-After, p99 <= 50 ms), never a 5xx.
#   bench/overload.sh [MEMBERS]   (default 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
MEMBERS="${1:-100000}"
PORT=18088
DB=patron_bench_overload
ADMIN=bench-admin-password
KEY=pt_till_overload_key_0000000000001
RESULTS=bench/results
SECONDS_PER_RUN="${BENCH_SECONDS:-20}"
mkdir -p "$RESULTS"
. bench/lib.sh
fresh_database
export PATRON_BOOTSTRAP_TILL_KEY=$KEY
start_patron overload
import_members "$MEMBERS"
$PSQL -d $DB -c "SELECT card_number FROM cards WHERE status = 'ACTIVE' ORDER BY random() LIMIT 50000" > "$RESULTS/overload-cards.txt"
run() { "$JAVA" bench/Bench.java overload http://localhost:$PORT $KEY "$RESULTS/overload-cards.txt" "$1" "$2"; }
echo "== warm-up (60 s at 16 clients; the JIT keeps improving the till path for a minute)"
run 16 50 >/dev/null
PEAK=0
PEAK_CLIENTS=0
for c in 4 8 16 32; do
  LINE=$(run $c "$SECONDS_PER_RUN"); echo "   $LINE"
  RATE=$(echo "$LINE" | sed 's/.*commits\/s=\([0-9.]*\).*/\1/')
  if awk -v r="$RATE" -v p="$PEAK" 'BEGIN {exit !(r > p * 1.03)}'; then PEAK=$RATE; PEAK_CLIENTS=$c; fi
done
echo "== peak: $PEAK commits/s at $PEAK_CLIENTS clients; now twice that load: $((PEAK_CLIENTS * 2)) clients, then four times"
for factor in 2 4; do
  LINE=$(run $((PEAK_CLIENTS * factor)) "$SECONDS_PER_RUN"); echo "   $LINE"
  RATE=$(echo "$LINE" | sed 's/.*commits\/s=\([0-9.]*\).*/\1/')
  awk -v r="$RATE" -v p="$PEAK" -v f=$factor 'BEGIN {printf "   at %d x the saturating load: %.0f %% of the peak (target >= 80 %%)\n", f, 100 * r / p}'
done
stop_patron
