# Sourced by ./run-tests and ./run-local: a JDK >= 21 on PATH, and Maven quiet about its own JDK warnings.
JAVA_HOME=$(local/bin/java-home)
export JAVA_HOME PATH="$JAVA_HOME/bin:$PATH"
# Maven 3.8's bundled Guava touches sun.misc.Unsafe; JDK 24+ warns about it on every build.
if "$JAVA_HOME/bin/java" --sun-misc-unsafe-memory-access=allow -version >/dev/null 2>&1; then
  export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
fi
