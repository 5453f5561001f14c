#!/usr/bin/env bash
# Compares the public API of every published jar with a baseline commit (by default 8aa45c6, the
# last released shape) and prints a Markdown summary for the migration notes:
#   1. builds the baseline in a temporary git worktree as version 0.0.0-baseline and installs it into
#      a separate local repository, target/api-baseline-m2 (never ~/.m2, whose SNAPSHOTs stay as
#      they are; ~/.m2 is read as a read-only tail, so nothing is downloaded twice),
#   2. packages the current tree with -Papi-diff (japicmp; reports in <module>/target/japicmp/),
#   3. prints, per module, how many public classes and methods were removed, changed and added.
# Modules the baseline does not have are listed as new and not compared. Tests are not run.
# Usage: scripts/api-diff.sh [baseline-commit]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

baseline_commit=${1:-8aa45c6}
baseline_version=0.0.0-baseline
local_repo=$root/target/api-baseline-m2
user_repo=${API_DIFF_USER_REPO:-$HOME/.m2/repository}
mvn=(./mvnw -B -ntp -e "-Dmaven.repo.local=$local_repo" "-Dmaven.repo.local.tail=$user_repo")

# Published jar modules, as englog-bom lists them (the zip of monitoring-assets has no classes).
mapfile -t published < <(sed -n 's:.*<artifactId>\(englog-[a-z-]*\)</artifactId>.*:\1:p' englog-bom/pom.xml \
  | grep -v -e '^englog-bom$' -e '^englog-parent$' -e '^englog-monitoring-assets$' | sort -u)
current=()
for module in "${published[@]}"; do
  [ -f "$module/pom.xml" ] && current+=("$module")
done

work=$(mktemp -d)
baseline=$work/baseline
cleanup() {
  git -C "$root" worktree remove --force "$baseline" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo ">> baseline $baseline_commit as $baseline_version in $local_repo" >&2
git worktree add --detach --quiet "$baseline" "$baseline_commit"
# The baseline's own version is the first <version> of its englog-parent (which has no parent).
old_version=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' "$baseline/englog-parent/pom.xml" | head -n 1)
find "$baseline" -name pom.xml -not -path '*/target/*' -print0 \
  | xargs -0 sed -i "s:<version>${old_version//./\\.}</version>:<version>$baseline_version</version>:"
in_baseline=()
for module in "${current[@]}"; do
  [ -f "$baseline/$module/pom.xml" ] && in_baseline+=("$module")
done
modules=$(IFS=,; echo "${in_baseline[*]}")
install=(install -q -Dmaven.test.skip=true -Dmaven.javadoc.skip=true -Dmaven.source.skip=true -pl "$modules" -am)
if ! (cd "$baseline" && "${mvn[@]}" -o "${install[@]}" >&2); then
  echo ">> offline build of the baseline failed (a plugin or dependency missing from $user_repo): retrying online" >&2
  (cd "$baseline" && "${mvn[@]}" "${install[@]}" >&2)
fi

echo ">> current tree against $baseline_version" >&2
rm -rf "${current[@]/%//target/japicmp}"
"${mvn[@]}" -q package -Papi-diff -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true \
  "-Denglog.api.baseline=$baseline_version" -pl "$(IFS=,; echo "${current[*]}")" -am >&2

# japicmp compares a module the baseline lacks with nothing: drop that report, the summary lists it as new.
for module in "${current[@]}"; do
  [ -f "$baseline/$module/pom.xml" ] || rm -rf "$module/target/japicmp"
done
java scripts/ApiDiffSummary.java "$baseline_commit" "${current[@]}"
