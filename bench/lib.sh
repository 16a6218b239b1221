# Sourced by the bench scripts (REPO_ROOT and BENCH_ROOT set).

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
