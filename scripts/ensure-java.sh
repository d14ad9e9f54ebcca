#!/usr/bin/env bash
# Make sure a Java runtime is there for `habeas link --engine spark` (pyspark starts a local JVM),
# installing Debian's default headless JRE where it is missing.
set -euo pipefail

if command -v java >/dev/null 2>&1; then
  exit 0
fi
echo "Java is not installed; installing Debian's default-jre-headless" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null
command -v java >/dev/null
