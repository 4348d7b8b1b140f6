# Shared by the bench scripts: a JDK ≥ 21, the jar, wrk.
for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
  if [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] && "$candidate/bin/java" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then
    export JAVA_HOME="$candidate"; break
  fi
done
JAVA="$JAVA_HOME/bin/java"
[ -f target/patron.jar ] || ./mvnw -B -q -DskipTests package
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

# A fresh database $DB for the bench (PostgreSQL on 127.0.0.1 with trust authentication), and the
# settings that make the jar use it. Needs DB and ADMIN.
PSQL="psql -h 127.0.0.1 -U postgres -qtA"
fresh_database() {
  $PSQL -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null
  export PATRON_DB_URL="jdbc:postgresql://127.0.0.1:5432/$DB?reWriteBatchedInserts=true" PATRON_DB_USER=postgres PATRON_DB_PASSWORD=
  export PATRON_BOOTSTRAP_ADMIN_PASSWORD=$ADMIN
}

# Starts Patron on $PORT with a 512 MB heap and every scheduled job held back (the bench times its own
# calls, not a job that happens to run), logging to $RESULTS/server-$1.log; stopped when the script ends.
start_patron() {
  local held=""
  for job in analytics.initial-delay-millis analytics.tiers-initial-delay-millis journeys.initial-delay-millis \
      segments.rfm-initial-delay-millis ledger.expiry-initial-delay-millis draws.initial-delay-millis \
      partners.initial-delay-millis offers.profiles-initial-delay-millis offers.initial-delay-millis; do
    held="$held --patron.$job=86400000"
  done
  # shellcheck disable=SC2086
  "$JAVA" -Xms512m -Xmx512m -jar target/patron.jar --server.port=$PORT --logging.level.patron.requests=WARN $held ${PATRON_EXTRA_ARGS:-} \
    > "$RESULTS/server-$1.log" 2>&1 &
  SERVER=$!
  trap 'kill $SERVER 2>/dev/null || true' EXIT
  for _ in $(seq 1 90); do curl -sf localhost:$PORT/actuator/health/readiness >/dev/null && break; sleep 1; done
}

stop_patron() {
  kill $SERVER; wait $SERVER 2>/dev/null || true; trap - EXIT
}

# Generates $1 members and imports them with the jar's import-members command.
import_members() {
  echo "== generating and importing $1 members"
  "$JAVA" bench/Bench.java gen-members "$1" "$RESULTS/members.csv"
  "$JAVA" -Xmx512m -jar target/patron.jar import-members "$RESULTS/members.csv" --spring.main.web-application-type=none \
    | grep -E "Imported|Time" | sed 's/^/   /'
}

# A new till key of the first store, made through the admin API (needs PORT and ADMIN); prints the key.
new_till_key() {
  local store
  store=$(curl -sf -u "admin:$ADMIN" localhost:$PORT/api/v1/stores | sed 's/.*"items":\[{"id":\([0-9]*\).*/\1/')
  curl -sf -u "admin:$ADMIN" -H 'Content-Type: application/json' -d "{\"name\":\"$1\"}" localhost:$PORT/api/v1/stores/$store/tills \
    | sed 's/.*"key":"\([^"]*\)".*/\1/'
}

# The ledger checker (bench/check-ledger.sql) on $DB, with the acknowledged receipts of file $1; prints
# the number of invariant violations.
check_ledger() {
  $PSQL -d $DB -c "CREATE TABLE sim_acked (receipt_id VARCHAR(64))" >/dev/null
  $PSQL -d $DB -c "\\copy sim_acked FROM '$1'"
  $PSQL -d $DB -f bench/check-ledger.sql
}
