# Sourced by the bench scripts (REPO_ROOT set; BENCH_ROOT where a function uses it).

# Builds target/portcullis.jar when it is missing or older than the sources, so a bench never
# measures a stale jar.
build_if_stale() {
  local jar=$REPO_ROOT/target/portcullis.jar
  if [[ ! -f $jar || -n $(find "$REPO_ROOT/src/main" "$REPO_ROOT/pom.xml" -newer "$jar" -print -quit) ]]; then
    echo "building Portcullis" >&2
    (cd "$REPO_ROOT" && ./mvnw -q -B -DskipTests package)
  fi
}

# Sets STAMP and RUN_DIR ($BENCH_ROOT/results/<stamp>, created).
new_run_dir() {
  STAMP=$(date +%Y%m%d-%H%M%S)
  RUN_DIR=$BENCH_ROOT/results/$STAMP
  mkdir -p "$RUN_DIR"
}

# Compiles the test classes, where the in-process benchmarks live, and sets BENCH_CP to run them with.
bench_classpath() {
  (cd "$REPO_ROOT" && ./mvnw -q -B -DskipTests test-compile) >&2
  BENCH_CP="$REPO_ROOT/target/classes:$REPO_ROOT/target/test-classes:$(cd "$REPO_ROOT" && ./mvnw -q -B \
    dependency:build-classpath -Dmdep.outputFile=/dev/stdout -Dmdep.includeScope=test)"
}
