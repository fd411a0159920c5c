#!/usr/bin/env bash
# Builds Poplar for installation (docs/install.md):
#   dist/poplar_VERSION_amd64.deb            Debian 12+ package
#   dist/poplar-VERSION-linux-x64.tar.gz     the same files for other Linux hosts
# Both carry their own jlinked Java runtime, so the host's Java plays no part, RocksDB's JNI
# library unpacked (not copied to /tmp at each start), and AOT caches trained on this build.
# Usage: ./poplar package [--version DEBIAN_VERSION]   (JAVA_HOME: a JDK 21+, 25 for AOT caches)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here=$root/ops/package
: "${JAVA_HOME:?run it as ./poplar package (it finds the JDK)}"

pom_version=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' "$root/pom.xml" | head -1)
version=${pom_version/-SNAPSHOT/~snapshot} # Debian orders 0.2.0~snapshot before 0.2.0
if [[ "${1:-}" == "--version" ]]; then version=$2; shift 2; fi
[[ "$version" =~ ^[0-9][A-Za-z0-9.+~]*$ ]] || { echo "build.sh: '$version' is not a Debian version" >&2; exit 2; }

java_major=$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
# What the server and CLI use (jdeps over the jar and its dependencies), plus java.logging
# (System.Logger's backend) and jdk.unsupported (sun.misc.Unsafe, which libraries look up).
modules=java.base,java.desktop,java.logging,java.management,java.naming,java.net.http,java.sql
modules+=,java.security.jgss,java.security.sasl,jdk.jfr,jdk.management,jdk.net,jdk.unsupported

out=$root/target/package
stage=$out/poplar-$version
dist=$root/dist
mkdir -p "$out" "$dist"

echo "package: building the server jar" >&2
"$root/mvnw" -B -q -f "$root/pom.xml" -DskipTests -Dspotless.check.skip=true -pl server -am package >&2

# The runtime depends only on the JDK, the modules and the jlink options: reuse it across builds.
jlink_options=(--strip-debug --no-man-pages --no-header-files --compress=zip-6)
runtime_key="$("$JAVA_HOME/bin/java" -version 2>&1 | head -2 | tr -d '\n') $modules ${jlink_options[*]}"
if [[ ! -f "$out/runtime/.key" || "$(cat "$out/runtime/.key")" != "$runtime_key" ]]; then
  echo "package: linking the Java runtime ($modules)" >&2
  rm -rf "$out/runtime"
  # Not --generate-cds-archive: the AOT caches do its work, and without them it measured no faster
  # (docs/benchmarks.md, "Start-up") for 28 MB more.
  "$JAVA_HOME/bin/jlink" --add-modules "$modules" "${jlink_options[@]}" --output "$out/runtime"
  echo "$runtime_key" > "$out/runtime/.key"
fi

echo "package: staging $stage" >&2
rm -rf "$stage"
mkdir -p "$stage"/{bin,lib,etc,systemd,share/bash-completion,docs}
cp -a "$out/runtime" "$stage/runtime"
rm -f "$stage/runtime/.key"
install -m 0755 "$here/launcher.sh" "$stage/bin/poplar"
install -m 0644 "$root/server/target/poplar.jar" "$stage/lib/poplar.jar"
install -m 0644 "$root/server/target/native/librocksdbjni-linux64.so" "$stage/lib/"
install -m 0644 "$root/ops/config/poplar.yaml" "$stage/etc/poplar.yaml"
install -m 0644 "$root/README.md" "$stage/README.md"
install -m 0644 "$root"/docs/*.md "$stage/docs/"
# Files the docs tell operators to copy: the LDAP schema, the nginx mail proxy configuration.
install -D -m 0644 "$root/ops/ldap/poplar.schema" "$stage/docs/ldap/poplar.schema"
install -D -m 0644 "$root/ops/nginx/poplar-mail.conf" "$stage/docs/nginx/poplar-mail.conf"
"$stage/bin/poplar" completion > "$stage/share/bash-completion/poplar"

if [[ "$java_major" -ge 25 ]]; then
  echo "package: training the AOT caches" >&2
  bash "$here/train-aot.sh" "$stage/runtime" "$stage/lib/poplar.jar" "$stage/lib" "$stage/lib"
else
  echo "package: JDK $java_major has no AOT cache (JDK 25 has): the package starts slower" >&2
fi

# The unit as the Debian package installs it; the tarball's points at /opt/poplar.
sed -e 's:@HOME@:/opt/poplar:g' -e 's:@DOCS@:/opt/poplar/docs:g' "$here/poplar.service.in" \
  > "$stage/systemd/poplar.service"

echo "package: dist/poplar-$version-linux-x64.tar.gz" >&2
tar -C "$out" --owner=0 --group=0 --numeric-owner -czf "$dist/poplar-$version-linux-x64.tar.gz" "poplar-$version"

if ! command -v dpkg-deb > /dev/null; then
  echo "package: no dpkg-deb on this machine (Debian's dpkg): the tarball only" >&2
  exit 0
fi

# The Debian tree: the same files under /usr/lib/poplar, config in /etc/poplar (a conffile),
# data in /var/lib/poplar (made by postinst, kept on remove, removed on purge).
deb=$out/deb
rm -rf "$deb"
mkdir -p "$deb"/{DEBIAN,usr/bin,usr/lib/poplar,etc/poplar,lib/systemd/system}
mkdir -p "$deb"/usr/share/{doc/poplar,bash-completion/completions}
cp -a "$stage/bin" "$stage/lib" "$stage/runtime" "$deb/usr/lib/poplar/"
printf '#!/bin/sh\nexec /usr/lib/poplar/bin/poplar "$@"\n' > "$deb/usr/bin/poplar"
chmod 0755 "$deb/usr/bin/poplar"
install -m 0640 "$stage/etc/poplar.yaml" "$deb/etc/poplar/poplar.yaml"
sed -e 's:@HOME@:/usr/lib/poplar:g' -e 's:@DOCS@:/usr/share/doc/poplar:g' "$here/poplar.service.in" \
  > "$deb/lib/systemd/system/poplar.service"
install -m 0644 "$stage/share/bash-completion/poplar" "$deb/usr/share/bash-completion/completions/poplar"
install -m 0644 "$stage/README.md" "$stage"/docs/*.md "$deb/usr/share/doc/poplar/"
cp -a "$stage/docs/ldap" "$stage/docs/nginx" "$deb/usr/share/doc/poplar/"
install -m 0755 "$here"/debian/{postinst,prerm,postrm} "$deb/DEBIAN/"
echo /etc/poplar/poplar.yaml > "$deb/DEBIAN/conffiles"
installed_kb=$(du -sk --exclude=DEBIAN "$deb" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@SIZE@/$installed_kb/" "$here/debian/control.in" > "$deb/DEBIAN/control"

echo "package: dist/poplar_${version}_amd64.deb" >&2
dpkg-deb --root-owner-group -Zxz -z6 --build "$deb" "$dist/poplar_${version}_amd64.deb" > /dev/null
echo "package: runtime $(du -sh "$stage/runtime" | cut -f1), installed $((installed_kb / 1024)) MB," \
  ".deb $(du -h "$dist/poplar_${version}_amd64.deb" | cut -f1)," \
  "tarball $(du -h "$dist/poplar-$version-linux-x64.tar.gz" | cut -f1)" >&2
