#!/usr/bin/env bash
# Build (if needed) and start a single-node Elasticsearch test server on 127.0.0.1.
# See README.md in this folder.
#
# Environment:
#   ES_PORT            HTTP port (default 9200)
#   ES_DATA_DIR        state folder: data/, logs/, home/, node.pid (default: <this folder>/.run/node-$ES_PORT)
#   ES_HEAP_MIN/MAX    JVM heap (default 512m / 1g)
#   ES_JAVA_HOME       a JDK >= 21 (default: $JAVA_HOME if it is >= 21, else the newest JDK >= 21 under /usr/lib/jvm)
#   ES_JAVA_OPTS       extra JVM options
#   ES_START_TIMEOUT   seconds to wait for health yellow (default 120)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ES_PORT="${ES_PORT:-9200}"
ES_DATA_DIR="${ES_DATA_DIR:-$HERE/.run/node-$ES_PORT}"
ES_HEAP_MIN="${ES_HEAP_MIN:-512m}"
ES_HEAP_MAX="${ES_HEAP_MAX:-1g}"
ES_START_TIMEOUT="${ES_START_TIMEOUT:-120}"
mkdir -p "$ES_DATA_DIR"
ES_DATA_DIR="$(cd "$ES_DATA_DIR" && pwd)" # absolute: the node runs from another working directory
URL="http://127.0.0.1:$ES_PORT"
PID_FILE="$ES_DATA_DIR/node.pid"
LOG_FILE="$ES_DATA_DIR/logs/node.log"

log() { echo "[es-test] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

command -v curl >/dev/null || die "curl is required"

# The JDK's feature version (e.g. 25) read from its 'release' file, or 0.
java_major() {
    local v
    v="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null || true)"
    echo "${v:-0}"
}

pick_java_home() {
    local c
    for c in "${ES_JAVA_HOME:-}" "${JAVA_HOME:-}"; do
        if [[ -n "$c" && -x "$c/bin/javac" && "$(java_major "$c")" -ge 21 ]]; then echo "$c"; return; fi
    done
    local best="" best_v=0 v
    for c in /usr/lib/jvm/*; do
        [[ -x "$c/bin/javac" ]] || continue
        v="$(java_major "$c")"
        if [[ "$v" -gt "$best_v" ]]; then best="$c"; best_v="$v"; fi
    done
    [[ "$best_v" -ge 21 ]] && echo "$best"
}

# Is pid $1 alive (and not a zombie)?
is_alive() {
    [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null || return 1
    [[ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]]
}

# Is pid $1 (from an old pid file) our launcher, not a recycled pid?
is_launcher() {
    is_alive "$1" && [[ ! -r "/proc/$1/cmdline" ]] && return 0
    tr '\0' ' ' 2>/dev/null < "/proc/$1/cmdline" | grep -q 'workbench.estest.Launcher'
}

# Is an Elasticsearch answering GET / on the port?
es_answers() { curl -s -m 3 "$URL/" 2>/dev/null | grep -q '"tagline"'; }

health_ok() {
    [[ "$(curl -s -o /dev/null -w '%{http_code}' -m 5 "$URL/_cluster/health?wait_for_status=yellow&timeout=1s" 2>/dev/null)" == 200 ]]
}

pid=""
if [[ -f "$PID_FILE" ]]; then
    pid="$(cat "$PID_FILE" 2>/dev/null || true)"
    if ! is_alive "$pid" || ! is_launcher "$pid"; then
        log "removing stale pid file ($PID_FILE, pid $pid is not a running test node)"
        rm -f "$PID_FILE"
        pid=""
    fi
fi

if [[ -z "$pid" ]]; then
    if es_answers; then
        log "an Elasticsearch node is already running at $URL (not started from $ES_DATA_DIR); leaving it alone"
        echo "$URL"
        exit 0
    fi
    if curl -s -o /dev/null -m 3 "$URL/" 2>/dev/null; then
        die "port $ES_PORT on 127.0.0.1 is taken by something that is not Elasticsearch; set ES_PORT"
    fi

    JAVA_HOME_ES="$(pick_java_home || true)"
    [[ -n "$JAVA_HOME_ES" ]] || die "no JDK >= 21 found (Elasticsearch 9 needs Java 21+); set ES_JAVA_HOME"

    # --- build: compile the launcher + write target/classpath.txt (skipped when up to date) ---
    CP_FILE="$HERE/target/classpath.txt"
    need_build=1
    if [[ -s "$CP_FILE" && -d "$HERE/target/classes/workbench" ]] \
        && [[ -z "$(find "$HERE/pom.xml" "$HERE/src" -newer "$CP_FILE" -print -quit)" ]]; then
        need_build=0
        IFS=: read -r -a jars < "$CP_FILE" || true
        for j in "${jars[@]}"; do [[ -f "$j" ]] || { need_build=1; break; }; done
    fi
    if [[ "$need_build" == 1 ]]; then
        log "building the launcher with Maven (JDK: $JAVA_HOME_ES)"
        maven_opts="${MAVEN_OPTS:-}"
        # Maven 3.8's bundled guava/jansi touch sun.misc.Unsafe; JDK 24+ warns about it on every run.
        [[ "$(java_major "$JAVA_HOME_ES")" -ge 24 ]] && maven_opts="$maven_opts --sun-misc-unsafe-memory-access=allow"
        (cd "$HERE" && JAVA_HOME="$JAVA_HOME_ES" MAVEN_OPTS="$maven_opts" mvn -q -B -Dstyle.color=never compile >&2) \
            || die "Maven build failed (cd $HERE && mvn compile)"
        touch "$CP_FILE" # the dependency plugin leaves an unchanged file alone; mark the build as done
    fi

    mkdir -p "$ES_DATA_DIR/logs" "$ES_DATA_DIR/tmp" "$ES_DATA_DIR/native"

    # Elasticsearch loads libzstd.so through its native-access layer from "es.nativelibs.path"
    # (the stock distribution ships its own copy in lib/platform/). Without it the zstd-based
    # codecs (index.codec: best_compression, logsdb) fail, so point it at the system's libzstd.
    if [[ ! -e "$ES_DATA_DIR/native/libzstd.so" ]]; then
        zstd_lib="$( (ldconfig -p 2>/dev/null || true) | awk '/libzstd\.so\.1 .*x86-64|libzstd\.so\.1 .*AArch64/ {print $NF; exit}')"
        [[ -n "$zstd_lib" ]] || zstd_lib="$(ls /usr/lib/*-linux-gnu/libzstd.so.1 /lib/*-linux-gnu/libzstd.so.1 2>/dev/null | head -n 1 || true)"
        if [[ -n "$zstd_lib" ]]; then
            ln -sf "$zstd_lib" "$ES_DATA_DIR/native/libzstd.so"
        else
            log "WARNING: libzstd.so.1 not found; index.codec=best_compression will not work"
        fi
    fi
    [[ -f "$LOG_FILE" ]] && mv -f "$LOG_FILE" "$LOG_FILE.prev"

    # JVM flags: the ones Elasticsearch's own launcher always sets that matter here, plus heap.
    jvm_opts=(
        "-Xms$ES_HEAP_MIN" "-Xmx$ES_HEAP_MAX" -Xss1m
        -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError
        "-Djava.io.tmpdir=$ES_DATA_DIR/tmp" "-Des.nativelibs.path=$ES_DATA_DIR/native"
        -Dfile.encoding=UTF-8 -Djava.locale.providers=CLDR -Djava.awt.headless=true
        -Dlog4j.shutdownHookEnabled=false -Dlog4j2.disable.jmx=true -Dlog4j2.formatMsgNoLookups=true
        -Dio.netty.noUnsafe=true -Dio.netty.noKeySetOptimization=true -Dio.netty.recycler.maxCapacityPerThread=0
        --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED
        # libvec.so (SIMD vector scoring) is not on Maven Central: use the pure-Java fallback
        -Dorg.elasticsearch.nativeaccess.enableVectorLibrary=false
    )
    # shellcheck disable=SC2206
    extra_opts=(${ES_JAVA_OPTS:-})

    log "starting Elasticsearch on $URL (data: $ES_DATA_DIR/data, log: $LOG_FILE)"
    cd "$ES_DATA_DIR"
    nohup "$JAVA_HOME_ES/bin/java" "${jvm_opts[@]}" "${extra_opts[@]}" \
        -cp "$HERE/target/classes:$(cat "$HERE/target/classpath.txt")" \
        workbench.estest.Launcher --port "$ES_PORT" --dir "$ES_DATA_DIR" \
        > "$LOG_FILE" 2>&1 < /dev/null &
    pid=$!
    echo "$pid" > "$PID_FILE"
    started_now=1
else
    started_now=0
    log "already started from $ES_DATA_DIR (pid $pid); checking health"
fi

deadline=$((SECONDS + ES_START_TIMEOUT))
until health_ok; do
    if ! is_alive "$pid"; then
        rm -f "$PID_FILE"
        log "Elasticsearch (pid $pid) exited during startup; last lines of $LOG_FILE:"
        tail -n 60 "$LOG_FILE" >&2 || true
        exit 1
    fi
    if (( SECONDS >= deadline )); then
        log "Elasticsearch (pid $pid) not healthy after ${ES_START_TIMEOUT}s; last lines of $LOG_FILE:"
        tail -n 60 "$LOG_FILE" >&2 || true
        log "it is still running; stop it with: ES_PORT=$ES_PORT ES_DATA_DIR=$ES_DATA_DIR $HERE/stop.sh"
        exit 1
    fi
    sleep 0.5
done

if [[ "$started_now" == 1 ]]; then
    log "Elasticsearch is up (pid $pid)"
else
    log "Elasticsearch is already running (pid $pid)"
fi
echo "$URL"
