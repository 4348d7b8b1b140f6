#!/usr/bin/env bash
# PostgreSQL stopped hard under till traffic (the production issue): `pg_ctlcluster … stop -m immediate`
# while 32 clients sell to 10 members, started again 8 seconds later. Prints how Patron answered
# meanwhile (status and seconds of each probe sale: a quick 503, never a 500), how long after PostgreSQL
# took connections again Patron recorded a sale again (target <= 10 s), and the checker: every acknowledged sale
# recorded once, the ledger balanced. Needs root (it stops the machine's PostgreSQL cluster).
#   bench/faults.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=18089
DB=patron_bench_faults
ADMIN=bench-admin-password
KEY=pt_till_faults_key_000000000000001
RESULTS=bench/results
mkdir -p "$RESULTS"
. bench/lib.sh
VERSION=$(ls /etc/postgresql | sort -V | tail -n 1)
fresh_database
export PATRON_BOOTSTRAP_TILL_KEY=$KEY
start_patron faults
# The probe is a till of its own (the simulation's 32 clients keep their key at its concurrency limit),
# recording a sale without a member: every probe needs the database.
PROBE_KEY=$(new_till_key Probe)
"$JAVA" bench/Bench.java ledger-sim http://localhost:$PORT $KEY $ADMIN 7 6000 32 10 "$RESULTS/faults-acked.txt" > "$RESULTS/faults-sim.txt" 2>&1 &
SIM=$!
sleep 20
probe() {
  curl -s -o /dev/null -w '%{http_code} %{time_total}' -m 10 -H "Authorization: Bearer $PROBE_KEY" -H 'Content-Type: application/json' \
    -d "{\"receiptId\":\"PROBE-$(date +%s%N)\",\"lines\":[{\"lineId\":\"1\",\"category\":\"home\",\"quantity\":1,\"unitPrice\":10}]}" \
    localhost:$PORT/api/v1/purchases
}
echo "== PostgreSQL $VERSION stopped with -m immediate under load"
pg_ctlcluster --skip-systemctl-redirect "$VERSION" main stop -m immediate 2>/dev/null || pg_ctlcluster "$VERSION" main stop -m immediate
for i in 1 2 3 4 5 6; do echo "   probe during the outage: $(probe)"; sleep 1; done
pg_ctlcluster --skip-systemctl-redirect "$VERSION" main start 2>/dev/null || pg_ctlcluster "$VERSION" main start
for _ in $(seq 1 60); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.2; done
BACK=$(date +%s%N)
for _ in $(seq 1 200); do
  if [ "$(probe | cut -d' ' -f1)" = 201 ]; then break; fi
  sleep 0.1
done
echo "   Patron recorded a sale again $(( ($(date +%s%N) - BACK) / 1000000 )) ms after PostgreSQL took connections (target <= 10 s)"
wait $SIM
sed 's/^/   /' "$RESULTS/faults-sim.txt"
echo "   acknowledged sales: $(wc -l < "$RESULTS/faults-acked.txt"); invariant violations: $(check_ledger "$RESULTS/faults-acked.txt")"
echo "   server errors logged: $(grep -c 'Unexpected error answering' "$RESULTS/server-faults.log" || true)"
stop_patron
