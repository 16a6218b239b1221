# Sourced by the other scripts: points JAVA_HOME at a JDK 21 or newer.
# The machine's default JDK may be older; a newer one usually sits under /usr/lib/jvm.
java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
if [ -z "${JAVA_HOME:-}" ] || [ "$(java_major "$JAVA_HOME")" -lt 21 ] 2>/dev/null; then
  JAVA_HOME=
  for candidate in /usr/lib/jvm/*; do
    [ -x "$candidate/bin/javac" ] || continue
    major=$(java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then JAVA_HOME=$candidate; fi
  done
  if [ -z "$JAVA_HOME" ]; then
    echo "portcullis: no JDK 21 or newer found under /usr/lib/jvm; set JAVA_HOME" >&2
    exit 1
  fi
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
