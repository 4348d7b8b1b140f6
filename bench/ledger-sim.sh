#!/usr/bin/env bash
# The ledger simulation under faults (the production issue), on PostgreSQL: 32 clients fire OPS seeded
# operations (default 100,000) at 10 hot members over HTTP — sales earning points, sales paying with
# points, partial returns, adjustments, exact retries — while every connection of Patron's is cut
# every few seconds and Patron itself is killed with SIGKILL halfway and started again; the clients
# retry what got no final answer, as tills do. Then the checker, in plain SQL: the books balance,
# every cached balance equals its transfers and its lots, every lot equals its movements, only a
# return's debt is negative, and every acknowledged sale is recorded exactly once.
#   bench/ledger-sim.sh [OPS] [SEED]              expects zero violations
#   bench/ledger-sim.sh [OPS] [SEED] --broken     the same against a deliberately broken build
#                                                  (bench/broken-balance.patch: the balance read, then
#                                                  written, without the member's lock); expects the
#                                                  checker to find violations
set -euo pipefail
cd "$(dirname "$0")/.."
OPS="${1:-100000}"
SEED="${2:-20261205}"
MODE="${3:-}"
PORT=18086
DB=patron_bench_sim
ADMIN=bench-admin-password
KEY=pt_till_sim_key_000000000000000001
RESULTS=bench/results
mkdir -p "$RESULTS"
. bench/lib.sh
JAR=target/patron.jar
if [ "$MODE" = "--broken" ]; then
  echo "== building the deliberately broken jar (bench/broken-balance.patch)"
  BROKEN=$(mktemp -d)
  git archive HEAD | tar -x -C "$BROKEN"
  (cd "$BROKEN" && git apply --unsafe-paths "$OLDPWD/bench/broken-balance.patch" 2>/dev/null || patch -p1 < "$OLDPWD/bench/broken-balance.patch" >/dev/null)
  (cd "$BROKEN" && ./mvnw -B -q -o -DskipTests package)
  JAR="$BROKEN/target/patron.jar"
fi
fresh_database
export PATRON_BOOTSTRAP_TILL_KEY=$KEY
run_patron() {
  "$JAVA" -Xms512m -Xmx512m -jar "$JAR" --server.port=$PORT --logging.level.patron.requests=WARN \
    --patron.ledger.expiry-initial-delay-millis=86400000 --patron.journeys.initial-delay-millis=86400000 \
    --patron.analytics.initial-delay-millis=86400000 --patron.draws.initial-delay-millis=86400000 >> "$RESULTS/server-sim.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 90); do curl -sf localhost:$PORT/actuator/health/readiness >/dev/null && return 0; kill -0 $SERVER 2>/dev/null || break; sleep 1; done
  echo "== Patron did not start (see $RESULTS/server-sim.log)" >&2
  exit 1
}
: > "$RESULTS/server-sim.log"
run_patron
trap 'kill $SERVER 2>/dev/null || true; kill ${CUTTER:-} ${SIM:-} 2>/dev/null || true' EXIT
echo "== $OPS operations, 32 clients, 10 hot members, seed $SEED; connections cut every 3 s, Patron killed halfway"
"$JAVA" bench/Bench.java ledger-sim http://localhost:$PORT $KEY $ADMIN "$SEED" "$OPS" 32 10 "$RESULTS/acked.txt" > "$RESULTS/sim.txt" 2>&1 &
SIM=$!
(while true; do sleep 3; $PSQL -d postgres -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$DB'" >/dev/null 2>&1 || true; done) &
CUTTER=$!
# Halfway (operations with a final answer, as the simulation reports them), Patron is killed and
# started again while the connections are still being cut.
: > "$RESULTS/acked.txt.progress"
for _ in $(seq 1 7200); do
  sleep 1
  DONE=$(cat "$RESULTS/acked.txt.progress" 2>/dev/null || true)
  if [ "${DONE:-0}" -gt $((OPS / 2)) ]; then
    SALES=$($PSQL -d $DB -c "SELECT COUNT(*) FROM purchases WHERE receipt_id LIKE 'SIM-%'" 2>/dev/null || echo "?")
    echo "   kill -9 after $DONE operations ($SALES sales recorded)"; kill -9 $SERVER; sleep 2
    STARTED=$(date +%s); run_patron; echo "   Patron back, healthy $(( $(date +%s) - STARTED )) s after its start"; break
  fi
  kill -0 $SIM 2>/dev/null || break
done
wait $SIM
kill $CUTTER 2>/dev/null || true
sed 's/^/   /' "$RESULTS/sim.txt"
echo "== the checker"
VIOLATIONS=$(check_ledger "$RESULTS/acked.txt")
stop_patron_quietly() { kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; trap - EXIT; }
stop_patron_quietly
echo "   acknowledged sales: $(wc -l < "$RESULTS/acked.txt"); invariant violations: $VIOLATIONS"
if grep -q 'client-error' "$RESULTS/sim.txt" || ! grep -q "completed=$OPS " "$RESULTS/sim.txt"; then
  echo "== not every operation got a final answer (see above)" >&2; exit 1
fi
if [ "$MODE" = "--broken" ]; then
  rm -rf "$BROKEN"
  if [ "$VIOLATIONS" -gt 0 ]; then echo "== the checker caught the broken build"; else echo "== the checker MISSED the broken build" >&2; exit 1; fi
elif [ "$VIOLATIONS" -ne 0 ]; then
  echo "== VIOLATIONS found" >&2; exit 1
else
  echo "== zero violations"
fi
