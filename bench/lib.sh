# Shared by the bench scripts: a JDK ≥ 21, the jar, wrk.
for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
  if [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] && "$candidate/bin/java" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then
    export JAVA_HOME="$candidate"; break
  fi
done
JAVA="$JAVA_HOME/bin/java"
[ -f target/patron.jar ] || ./mvnw -B -q -DskipTests package
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
