#!/usr/bin/env bash
# The servers the cluster mode needs, on this machine, without Docker: Redis (Debian package), Kafka 4 in KRaft
# mode and Cassandra 5.0 (both from Maven Central jars, on Java 17). Used by the test command and as the local
# development cluster.
#
#   deploy/local/services.sh up [redis|kafka|cassandra ...]    install if needed, start, wait until ready
#   deploy/local/services.sh down [...]                        stop
#   deploy/local/services.sh status                            which are running
#   deploy/local/services.sh env                               the variables tests and apps read
#
# Ports: Redis 16379, Kafka 19092 (controller 19093), Cassandra 19042 (storage 17000); override with
# OCS_REDIS_PORT, OCS_KAFKA_PORT, OCS_CASSANDRA_PORT. Jars are cached in OCS_DEPLOY_CACHE (default
# ~/.cache/ocs-deploy); data and logs live in OCS_SERVICES_DIR (default /tmp/ocs-services), wiped at each start
# unless OCS_SERVICES_KEEP_DATA=1 (Cassandra and Kafka: a restart that keeps their data).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${OCS_DEPLOY_CACHE:-$HOME/.cache/ocs-deploy}"
RUN="${OCS_SERVICES_DIR:-/tmp/ocs-services}"
REDIS_PORT="${OCS_REDIS_PORT:-16379}"
KAFKA_PORT="${OCS_KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT=$((KAFKA_PORT + 1))
CASSANDRA_PORT="${OCS_CASSANDRA_PORT:-19042}"
CASSANDRA_STORAGE_PORT="${OCS_CASSANDRA_STORAGE_PORT:-17000}"
READY_TIMEOUT="${OCS_READY_TIMEOUT:-180}"

log() { printf '[services] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

java17() {
  local candidate
  for candidate in "${JAVA17_HOME:-}" /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/java-17-openjdk-arm64; do
    [[ -n "$candidate" && -x "$candidate/bin/java" ]] && { echo "$candidate/bin/java"; return; }
  done
  java -version 2>&1 | grep -q '"17\.' && { command -v java; return; }
  die "Java 17 is needed for Kafka and Cassandra (set JAVA17_HOME)"
}

pid_alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() { # name, log file, ready pattern, port, pid file
  local name=$1 logfile=$2 pattern=$3 port=$4 pidfile=$5 waited=0
  until grep -q "$pattern" "$logfile" 2>/dev/null && port_open "$port"; do
    pid_alive "$pidfile" || { tail -n 40 "$logfile" >&2 || true; die "$name exited during start-up (log: $logfile)"; }
    ((waited >= READY_TIMEOUT)) && { tail -n 40 "$logfile" >&2 || true; die "$name not ready after ${READY_TIMEOUT}s (log: $logfile)"; }
    sleep 1; waited=$((waited + 1))
  done
  log "$name ready on 127.0.0.1:$port after ${waited}s"
}

resolve_jars() { # name: resolves deploy/local/<name>/pom.xml into the cache once
  local name=$1 lib="$CACHE/$1/lib" stamp
  stamp="$(sha256sum "$HERE/$name/pom.xml" | cut -c1-16)"
  if [[ -f "$lib/.resolved-$stamp" ]]; then echo "$lib"; return; fi
  command -v mvn >/dev/null || die "Maven (mvn) is needed to fetch the $name jars"
  log "fetching $name jars from Maven Central into $lib"
  rm -rf "$lib"; mkdir -p "$lib"
  mvn -q -B -f "$HERE/$name/pom.xml" dependency:copy-dependencies -DoutputDirectory="$lib" >&2 || die "could not resolve the $name jars"
  touch "$lib/.resolved-$stamp"
  echo "$lib"
}

fill() { # template, output, sed expressions...
  local template=$1 out=$2; shift 2
  sed "$@" "$template" > "$out"
}

up_redis() {
  local dir="$RUN/redis"
  pid_alive "$dir/redis.pid" && { log "redis already running"; return; }
  if ! command -v redis-server >/dev/null; then
    log "installing redis-server from Debian packages"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server) >&2 || die "could not install redis-server"
  fi
  rm -rf "$dir"; mkdir -p "$dir"
  nohup redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
    --logfile "$dir/redis.log" --dir "$dir" > /dev/null 2>&1 &
  echo $! > "$dir/redis.pid"
  wait_for redis "$dir/redis.log" 'Ready to accept connections' "$REDIS_PORT" "$dir/redis.pid"
}

up_kafka() {
  local dir="$RUN/kafka" lib java
  pid_alive "$dir/kafka.pid" && { log "kafka already running"; return; }
  lib="$(resolve_jars kafka)"; java="$(java17)"
  [[ "${OCS_SERVICES_KEEP_DATA:-}" == 1 ]] || rm -rf "$dir"
  mkdir -p "$dir/data" "$dir/logs"
  fill "$HERE/kafka/server.properties.template" "$dir/server.properties" \
    -e "s#@DIR@#$dir#g" -e "s#@PORT@#$KAFKA_PORT#g" -e "s#@CONTROLLER_PORT@#$KAFKA_CONTROLLER_PORT#g"
  local jvm=(-Xms512m -Xmx512m -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
    -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -Djava.awt.headless=true
    "-Dlog4j2.configurationFile=$HERE/kafka/log4j2.xml" "-Dkafka.logs.dir=$dir/logs" -cp "$lib/*")
  "$java" "${jvm[@]}" kafka.tools.StorageTool format --ignore-formatted -t "$(uuid_b64)" -c "$dir/server.properties" > "$dir/logs/format.log" 2>&1 \
    || { cat "$dir/logs/format.log" >&2; die "kafka storage format failed"; }
  nohup "$java" "${jvm[@]}" kafka.Kafka "$dir/server.properties" > "$dir/logs/stdout.log" 2>&1 &
  echo $! > "$dir/kafka.pid"
  wait_for kafka "$dir/logs/server.log" 'Kafka Server started' "$KAFKA_PORT" "$dir/kafka.pid"
}

uuid_b64() { head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'; }

up_cassandra() {
  local dir="$RUN/cassandra" lib java
  pid_alive "$dir/cassandra.pid" && { log "cassandra already running"; return; }
  lib="$(resolve_jars cassandra)"; java="$(java17)"
  [[ "${OCS_SERVICES_KEEP_DATA:-}" == 1 ]] || rm -rf "$dir"
  mkdir -p "$dir/conf" "$dir/logs" "$dir/data" "$dir/commitlog" "$dir/saved_caches" "$dir/hints" "$dir/cdc_raw"
  fill "$HERE/cassandra/cassandra.yaml.template" "$dir/conf/cassandra.yaml" \
    -e "s#@DIR@#$dir#g" -e "s#@NATIVE_PORT@#$CASSANDRA_PORT#g" -e "s#@STORAGE_PORT@#$CASSANDRA_STORAGE_PORT#g"
  cp "$HERE/cassandra/logback.xml" "$dir/conf/logback.xml"
  : > "$dir/logs/system.log"
  local exports=(java.base/jdk.internal.misc java.management.rmi/com.sun.jmx.remote.internal.rmi java.management/com.sun.jmx.remote.security
    java.rmi/sun.rmi.registry java.rmi/sun.rmi.server java.sql/java.sql java.base/java.lang.ref jdk.unsupported/sun.misc
    jdk.attach/sun.tools.attach jdk.compiler/com.sun.tools.javac.file)
  local opens=(java.base/java.lang.module java.base/jdk.internal.loader java.base/jdk.internal.ref java.base/jdk.internal.reflect
    java.base/jdk.internal.math java.base/jdk.internal.module java.base/jdk.internal.util.jar jdk.management/com.sun.management.internal
    java.base/sun.nio.ch java.base/java.io java.base/java.lang.reflect java.base/java.lang java.base/java.util java.base/java.nio
    jdk.compiler/com.sun.tools.javac)
  local jvm=(-Xms1G -Xmx1G -XX:+ExitOnOutOfMemoryError -XX:+UseThreadPriorities -Xss256k -XX:+UseTLAB -XX:+ResizeTLAB
    -XX:+PerfDisableSharedMem -Djava.net.preferIPv4Stack=true -Dchronicle.analytics.disable=true
    -XX:+UseG1GC -XX:+ParallelRefProcEnabled -XX:MaxTenuringThreshold=1 -XX:G1HeapRegionSize=16m
    -XX:G1RSetUpdatingPauseTimePercent=5 -XX:MaxGCPauseMillis=300 -XX:InitiatingHeapOccupancyPercent=70
    -Djdk.attach.allowAttachSelf=true -Dio.netty.tryReflectionSetAccessible=true
    -Dio.netty.allocator.useCacheForAllThreads=true -Dio.netty.allocator.maxOrder=11
    "-javaagent:$lib/jamm-0.4.0.jar" "-Dcassandra.config=file://$dir/conf/cassandra.yaml" "-Dcassandra.storagedir=$dir"
    "-Dcassandra.logdir=$dir/logs" "-Dlogback.configurationFile=$dir/conf/logback.xml" -Dcassandra-foreground=yes
    -Dcassandra.skip_wait_for_gossip_to_settle=0 -Dcassandra.unsafesystem=true -Dcassandra.jmx.local.port=0)
  local m; for m in "${exports[@]}"; do jvm+=(--add-exports "$m=ALL-UNNAMED"); done
  for m in "${opens[@]}"; do jvm+=(--add-opens "$m=ALL-UNNAMED"); done
  nohup "$java" "${jvm[@]}" -cp "$dir/conf:$lib/*" org.apache.cassandra.service.CassandraDaemon > "$dir/logs/stdout.log" 2>&1 &
  echo $! > "$dir/cassandra.pid"
  wait_for cassandra "$dir/logs/system.log" 'Startup complete' "$CASSANDRA_PORT" "$dir/cassandra.pid"
}

down_one() { # name, pid file, stop grace seconds
  local name=$1 pidfile=$2 grace=$3 waited=0
  pid_alive "$pidfile" || { rm -f "$pidfile"; return; }
  local pid; pid="$(cat "$pidfile")"
  kill "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && ((waited < grace)); do sleep 1; waited=$((waited + 1)); done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
  log "$name stopped"
}

down_redis() { down_one redis "$RUN/redis/redis.pid" 10; }
down_kafka() { down_one kafka "$RUN/kafka/kafka.pid" 20; }
down_cassandra() { down_one cassandra "$RUN/cassandra/cassandra.pid" 20; }

print_env() {
  echo "OCS_TEST_REDIS=redis://127.0.0.1:$REDIS_PORT"
  echo "OCS_TEST_KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT"
  echo "OCS_TEST_CASSANDRA=127.0.0.1:$CASSANDRA_PORT"
}

main() {
  local action="${1:-status}"; shift || true
  local names=("$@"); ((${#names[@]})) || names=(redis kafka cassandra)
  case "$action" in
    up) for n in "${names[@]}"; do "up_$n"; done ;;
    down) for n in "${names[@]}"; do "down_$n"; done ;;
    status) for n in "${names[@]}"; do pid_alive "$RUN/$n/$n.pid" && echo "$n: running" || echo "$n: stopped"; done ;;
    env) print_env ;;
    *) die "usage: $0 up|down|status|env [redis|kafka|cassandra ...]" ;;
  esac
}

main "$@"
