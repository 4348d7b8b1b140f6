#!/usr/bin/env bash
# Webhooks' cost to the till (issue "events out"): the commit rate with three subscriptions to every
# event type — two receivers that answer at once and one that accepts connections and never answers
# (each attempt waits out the timeout) — against the rate with no subscription, in the same run,
# alternating so that drift of the machine falls on both. The sale writes the same one event either
# way; the webhooks reaction and the sender run after the commit, on the same two cores.
#   bench/webhooks.sh            (PostgreSQL on 127.0.0.1:5432, trust authentication)
# 1. Patron on a fresh database, the demo programme, 300 members enrolled; receivers on 127.0.0.1
# 2. a 60 s warm-up, then eight rounds of wrk (8 connections, one till key, 5-line baskets, 8 s warm-up,
#    20 s measured each): without subscriptions, with, with, without, with, without, without, with
# 3. the ratio of the mean rates; what the live receivers got; what waits for the dead one
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=18084
DB=patron_bench_webhooks
ADMIN=bench-admin-password
KEY=pt_till_bench_key_000000000000004
RESULTS=bench/results
SECONDS_PER_RUN="${BENCH_SECONDS:-20}"
mkdir -p "$RESULTS"
. bench/lib.sh

# Two receivers that answer 200 at once and count what they got, and one that never answers.
python3 - "$RESULTS" <<'PY' &
# Minimal HTTP/1.1 receivers on asyncio (Python's http.server spends about a millisecond of CPU per
# request, which on these two cores would be measured as Patron's cost): keep-alive, 200 at once.
import asyncio, sys
results = sys.argv[1]
received = [0]
async def live(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            received[0] += 1
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
    except (asyncio.IncompleteReadError, ConnectionError):
        writer.close()
async def dead(reader, writer):
    await asyncio.sleep(3600)  # accepted, never answered
async def report():
    while True:
        await asyncio.sleep(1)
        open(f"{results}/webhooks-received.txt", "w").write(str(received[0]))
async def main():
    servers = [await asyncio.start_server(live, "127.0.0.1", p) for p in (18181, 18182)]
    servers.append(await asyncio.start_server(dead, "127.0.0.1", 18183))
    await report()
asyncio.run(main())
PY
RECEIVERS=$!
echo 0 > "$RESULTS/webhooks-received.txt"

fresh_database
export PATRON_BOOTSTRAP_TILL_KEY=$KEY PATRON_WEBHOOKS_ALLOW_PRIVATE_TARGETS=true
start_patron webhooks
trap 'kill $SERVER $RECEIVERS 2>/dev/null || true' EXIT
echo "== 300 members enrolled through the API"
"$JAVA" bench/Bench.java members http://localhost:$PORT $KEY 300 "$RESULTS/webhooks-cards.txt"
export PATRON_KEY=$KEY CARDS_FILE="$RESULTS/webhooks-cards.txt"
TYPES=$(curl -sf -u "admin:$ADMIN" localhost:$PORT/api/v1/webhooks/event-types)

subscribe() {
  for port in 18181 18182 18183; do
    curl -sf -u "admin:$ADMIN" -H 'Content-Type: application/json' \
      -d "{\"url\": \"http://127.0.0.1:$port/hook\", \"events\": $TYPES}" localhost:$PORT/api/v1/webhooks >/dev/null
  done
}

unsubscribe() {
  for id in $(curl -sf -u "admin:$ADMIN" localhost:$PORT/api/v1/webhooks | jq '.items[].id'); do
    curl -sf -u "admin:$ADMIN" -X DELETE localhost:$PORT/api/v1/webhooks/$id >/dev/null
  done
}

round() {
  unsubscribe
  if [ "$1" = on ]; then subscribe; fi
  RUN_ID=w$1$2$(date +%s%N) wrk -t2 -c8 -d8s -s bench/commit.lua http://localhost:$PORT >/dev/null
  RUN_ID=m$1$2$(date +%s%N) wrk -t2 -c8 -d${SECONDS_PER_RUN}s --latency -s bench/commit.lua http://localhost:$PORT > "$RESULTS/webhooks-$1-$2.txt"
  local rate
  rate=$(awk '/Requests\/sec/ {print $2}' "$RESULTS/webhooks-$1-$2.txt")
  echo "   subscriptions $1, round $2: $rate commits/s, p99 $(awk '/^ +99%/ {print $2}' "$RESULTS/webhooks-$1-$2.txt"), $(grep -c Non-2xx "$RESULTS/webhooks-$1-$2.txt" || true) runs with non-2xx"
  echo "$rate" >> "$RESULTS/webhooks-$1.rates"
  if [ "$1" = on ]; then
    echo "      events waiting for their reactions: $($PSQL -d $DB -c "SELECT COUNT(*) FROM events");" \
      "deliveries: $($PSQL -d $DB -c "SELECT string_agg(status || ' ' || n, ', ') FROM (SELECT status, COUNT(*) n FROM webhook_deliveries GROUP BY status) s")"
  fi
}

rm -f "$RESULTS/webhooks-on.rates" "$RESULTS/webhooks-off.rates"
echo "== warm-up: 60 s of commits (the rate still climbs for a minute after the start)"
RUN_ID=w$(date +%s%N) wrk -t2 -c8 -d60s -s bench/commit.lua http://localhost:$PORT >/dev/null
echo "== commits, 8 connections, ${SECONDS_PER_RUN} s per round, in the order off, on, on, off, on, off, off, on"
round off 1
round on 1
round on 2
round off 2
round on 3
round off 3
round off 4
round on 4
sleep 5
RECEIVED=$(cat "$RESULTS/webhooks-received.txt")
stop_patron
kill $RECEIVERS 2>/dev/null || true

ON=$(awk '{s += $1} END {printf "%.0f", s / NR}' "$RESULTS/webhooks-on.rates")
OFF=$(awk '{s += $1} END {printf "%.0f", s / NR}' "$RESULTS/webhooks-off.rates")
echo "== summary"
echo "   deliveries the two live receivers got: $RECEIVED"
awk -v on="$ON" -v off="$OFF" 'BEGIN {
  printf "   commits/s with three subscriptions (one dead) %.0f, without %.0f: %.2f x (target: within 10 %%, >= 0.90)\n", on, off, on / off
}'
