#!/usr/bin/env bash
# Overload (the production issue), on PostgreSQL: the till's commits from closed-loop clients, each a
# till with its own key that waits Retry-After after a refusal as the till contract asks, first at
# rising concurrency to find the peak of successful commits per second, then at twice and four times
# the concurrency that reached it. The refusals' p99 is printed twice: as the clients saw it (on this
# machine they share the two cores with Patron and PostgreSQL, so it includes their own waiting for a
# core) and as Patron's own histogram measured it, which is what an operator's Prometheus shows. Target: successful commits at twice the saturating load >= 80 % of the
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
# A till key per client, as in a chain: the per-key limit is for a misbehaving till, not what is measured here.
for i in $(seq 1 64); do new_till_key "Bench till $i"; echo; done > "$RESULTS/overload-keys.txt"
run() { "$JAVA" bench/Bench.java overload http://localhost:$PORT "$RESULTS/overload-keys.txt" "$RESULTS/overload-cards.txt" "$1" "$2" $ADMIN; }
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
# Far beyond what one instance takes in at once (patron.api.max-concurrent, 40): the refusals.
echo "== 128 clients, three times patron.api.max-concurrent"
LINE=$(run 128 "$SECONDS_PER_RUN"); echo "   $LINE"
RATE=$(echo "$LINE" | sed 's/.*commits\/s=\([0-9.]*\).*/\1/')
awk -v r="$RATE" -v p="$PEAK" 'BEGIN {printf "   %.0f %% of the peak\n", 100 * r / p}'
stop_patron
