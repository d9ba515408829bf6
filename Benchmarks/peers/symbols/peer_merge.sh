#!/bin/sh
# Peer: nm-style shell pipeline: sort the addresses, merge with the sorted map in one awk pass.
# (64-bit hex does not fit awk's doubles exactly, so compare fixed-width hex strings.)
{ awk '{printf "%016s Q\n", $1}' "$2" | tr ' ' '0' | sed 's/0Q$/ Q/' ; awk '$2 !~ /^[Aa]$/ {print $1, $3}' "$1"; } \
 | LC_ALL=C sort -k1,1 -s | awk '$2 == "Q" { if (name != "") print name, $1 } $2 != "Q" { name = $2 }'
