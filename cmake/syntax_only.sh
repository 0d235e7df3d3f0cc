#!/bin/sh
# Compiler launcher of the checks that only ask whether code compiles (the
# header checks, the programs no test runs): runs the compile command it is
# given ("$@", the compiler with its arguments, after any other launcher such
# as ccache) with -fsyntax-only appended, then creates the object file that
# the build expects as an empty file. Nothing links these objects.
#
# GCC still parses, instantiates every template used and reports every error
# and front-end warning with -fsyntax-only; it only skips generating code,
# which was about half of these units' compile time (docs/building.md).
# A precompiled header (an output ending in .gch) is compiled as given.
output=
previous=
for argument in "$@"; do
  [ "$previous" = "-o" ] && output=$argument
  previous=$argument
done
case $output in
  *.gch | "") exec "$@" ;;
esac
"$@" -fsyntax-only || exit
: > "$output"
