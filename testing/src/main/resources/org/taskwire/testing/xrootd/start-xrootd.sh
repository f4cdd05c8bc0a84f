#!/usr/bin/env bash
# Starts one XRootD storage element on loopback, for the tests of files between steps:
#   root://127.0.0.1:11094//taskwire/...   and its HTTP (WebDAV) door   http://127.0.0.1:18080/taskwire/...
# anonymous, with adler32 checksums. XRootD refuses to run as root, so it runs as a system user of
# its own, taskwire-xrd, which owns its directories under $TASKWIRE_XRD_HOME (default
# /var/lib/taskwire-xrootd). Needs Debian's xrootd-server and xrootd-server-plugins, and root.
set -euo pipefail
XRD_HOME=${TASKWIRE_XRD_HOME:-/var/lib/taskwire-xrootd}
XRD_USER=taskwire-xrd
ROOT_PORT=${TASKWIRE_XRD_PORT:-11094}
HTTP_PORT=${TASKWIRE_XRD_HTTP_PORT:-18080}

if curl -sf -o /dev/null "http://127.0.0.1:$HTTP_PORT/taskwire/"; then
  echo "xrootd: already answering on http://127.0.0.1:$HTTP_PORT/taskwire/"
  exit 0
fi
id -u "$XRD_USER" >/dev/null 2>&1 || useradd --system --home-dir "$XRD_HOME" --shell /usr/sbin/nologin "$XRD_USER"
mkdir -p "$XRD_HOME/data/taskwire" "$XRD_HOME/admin" "$XRD_HOME/run"
cat > "$XRD_HOME/xrootd.cfg" <<CFG
all.export /taskwire
oss.localroot $XRD_HOME/data
all.adminpath $XRD_HOME/admin
all.pidpath $XRD_HOME/run
xrd.port $ROOT_PORT
xrd.protocol XrdHttp:$HTTP_PORT libXrdHttp.so
xrootd.chksum adler32
CFG
chown -R "$XRD_USER" "$XRD_HOME"
runuser -u "$XRD_USER" -- xrootd -b -c "$XRD_HOME/xrootd.cfg" -l "$XRD_HOME/xrootd.log" -n taskwire
for _ in $(seq 1 100); do
  if curl -sf -o /dev/null "http://127.0.0.1:$HTTP_PORT/taskwire/"; then
    echo "xrootd: root://127.0.0.1:$ROOT_PORT//taskwire/ and http://127.0.0.1:$HTTP_PORT/taskwire/ (log: $XRD_HOME/xrootd.log*)"
    exit 0
  fi
  sleep 0.2
done
echo "xrootd: did not answer on http://127.0.0.1:$HTTP_PORT/taskwire/ within 20 s; its log:" >&2
tail -n 30 "$XRD_HOME"/xrootd.log* >&2 || true
exit 1
