# Shell helpers of the command-line tests (sourced): count failures, expect an
# exit code and a message, and finish with the verdict.
failures=0

# fail MESSAGE: records a failure.
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# expect CODE TEXT COMMAND...: exit code CODE and TEXT in stdout+stderr.
expect() {
  local code=$1 text=$2
  shift 2
  local output status
  output=$("$@" 2>&1)
  status=$?
  if [[ $status -ne $code ]]; then fail "$* exited $status, expected $code: $output"; fi
  if [[ $output != *"$text"* ]]; then fail "$* did not say \"$text\": $output"; fi
}

# finish MESSAGE: exit 1 after any failure, otherwise print MESSAGE.
finish() {
  if [[ $failures -ne 0 ]]; then
    echo "$failures failure(s)"
    exit 1
  fi
  echo "$*"
}
