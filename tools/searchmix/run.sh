#!/bin/sh
# Measures search throughput over the query mix against this machine's ceiling, in one run:
# loadcheck measures the ceiling (and a thread page, for scale), then wrk drives the mix with
# loadcheck's settings (2 threads, 16 connections, 10 s). Usage, from the repository:
#
#	tools/searchmix/run.sh http://127.0.0.1:8080
set -eu
base=${1:-http://127.0.0.1:8080}
here=$(dirname "$0")
loadcheck=${LOADCHECK:-../shared/tools/loadcheck}
ceiling=$("$loadcheck" "$base" '/threads/{n:1-1000}' | tee /dev/stderr | awk '/^\(ceiling/ {print $(NF-4)}')
out=$(SEARCHMIX_QUERIES="$here/queries.txt" wrk -t"${THREADS:-2}" -c"${CONNS:-16}" -d"${DURATION:-10s}" --latency -s "$here/mix.lua" "$base")
echo "$out" | grep -E 'Latency|Requests/sec|Non-2xx|50%|99%'
rate=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
echo "search mix: $rate req/s, $(awk -v r="$rate" -v c="$ceiling" 'BEGIN {printf "%.3f", r / c}') of the ceiling ($ceiling req/s)"
