#!/bin/sh
# poplar: the launcher of an installed Poplar (the Debian package's /usr/lib/poplar/bin/poplar, the
# tarball's poplar-VERSION/bin/poplar). It runs the Java runtime shipped beside it, never the
# host's `java`, so the host's JDK (17, or none at all) plays no part. Built by ops/package/build.sh;
# the layout is in docs/install.md. It needs no PATH: shell built-ins and absolute paths only.
#
#   HOME/bin/poplar          this script
#   HOME/runtime/            the jlinked Java runtime
#   HOME/lib/poplar.jar      the server and CLI
#   HOME/lib/*.so            RocksDB's JNI library, loaded in place (not copied to /tmp)
#   HOME/lib/*.aot           ahead-of-time caches (JDK 25, JEP 483/514/515): the server's, the CLI's
#
# POPLAR_JAVA_OPTS adds JVM options (e.g. -Xmx2g); the systemd unit reads it from /etc/default/poplar.
set -e

self=$0
# A symlink to this script (/usr/local/bin/poplar -> /opt/poplar/bin/poplar): find the real one.
while [ -h "$self" ]; do
  link=$(/usr/bin/readlink -- "$self" 2> /dev/null || /bin/readlink -- "$self")
  case $link in
    /*) self=$link ;;
    *) self=${self%/*}/$link ;;
  esac
done
case $self in
  */*) bin=${self%/*} ;;
  *) bin=. ;;
esac
home=$(cd -P -- "$bin/.." && pwd -P)

# An installed Poplar reads the installed configuration (as the unit's --config does), so that
# `sudo poplar user add` reaches the service's store; --config or POPLAR_CONFIG choose another.
if [ -z "${POPLAR_CONFIG:-}" ] && [ -e /etc/poplar/poplar.yaml ]; then
  export POPLAR_CONFIG=/etc/poplar/poplar.yaml
fi

# The server and the CLI have different hot paths, so each has its own AOT cache, made at build
# time by a training run. A missing or stale cache is only slower, never wrong; POPLAR_AOT=off
# leaves it out (to compare, or to rule it out).
case ${1:-} in
  serve) aot=$home/lib/poplar-server.aot ;;
  *) aot=$home/lib/poplar-cli.aot ;;
esac
aot_opts=
if [ -r "$aot" ] && [ "${POPLAR_AOT:-on}" != off ]; then
  aot_opts="-XX:AOTCache=$aot -Xlog:aot*=off -Xlog:cds*=off"
fi

# Mail and credentials are private whatever the caller's umask (poplar.data-dir-mode: group
# relaxes it in-process).
umask 077
# shellcheck disable=SC2086 # the options are words on purpose
exec "$home/runtime/bin/java" $aot_opts --enable-native-access=ALL-UNNAMED \
  -Djava.library.path="$home/lib" ${POPLAR_JAVA_OPTS:-} -jar "$home/lib/poplar.jar" "$@"
