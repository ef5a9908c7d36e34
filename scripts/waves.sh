#!/usr/bin/env bash
# Opens an FST from `vmcosim run --waves` in GTKWave with a view from waves/, or renders it to PNG headless.
#   scripts/waves.sh FILE.fst [VIEW]                      VIEW = mmu (default), any waves/VIEW.gtkw, or all
#   scripts/waves.sh --png FILE.fst VIEW OUT.png [FROM TO]   FROM..TO in cycles (default: the view's zoom)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

usage() { sed -n '3,4s/^# */usage: /p' "${BASH_SOURCE[0]}" >&2; exit 2; }
png='' range=()
if [[ ${1:-} == --png ]]; then
  shift
  (($# == 3 || $# == 5)) || usage
  fst=$1 view=$2 png=$3 range=("${@:4}")
else
  (($# == 1 || $# == 2)) || usage
  fst=$1 view=${2:-mmu}
fi
[[ -f $fst ]] || { echo "waves: no such file: $fst" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tcl=$tmp/view.tcl
: >"$tcl"
declared=$tmp/names
# Every signal the FST declares, as GTKWave names it (scope.name[msb:lsb]).
fst2vcd "$fst" 2>/dev/null | sed '/enddefinitions/q' | awk '
  $1 == "$scope"   { s = s $3 "." }
  $1 == "$upscope" { sub(/[^.]*\.$/, "", s) }
  $1 == "$var"     { print s $5 ($6 ~ /^\[/ ? $6 : "") }' >"$declared" || true

args=()
if [[ $view == all ]]; then
  # No save file: add every signal of the dump.
  printf 'gtkwave::addSignalsFromList [split [read [open {%s}]] "\\n"]\n' "$declared" >>"$tcl"
else
  save=$root/waves/$view.gtkw
  [[ -f $save ]] || { echo "waves: no view $save" >&2; exit 2; }
  # The save file names vectors with their ranges for the default TLB geometry; take the FST's ranges
  # instead (e.g. valid_q[31:0] for a 32-entry TLB), otherwise GTKWave silently drops those signals.
  awk 'NR == FNR { b = $0; sub(/\[.*/, "", b); real[b] = $0; next }
       /^[^-@*[^]/ { b = $0; sub(/\[.*/, "", b); if (b in real) $0 = real[b] }
       { print }' "$declared" "$save" >"$tmp/$view.gtkw"
  args=("$tmp/$view.gtkw")
fi

if [[ -z $png ]]; then
  [[ -s $tcl ]] && args+=(-S "$tcl")
  gtkwave "$fst" "${args[@]}"
  exit
fi

# Headless render: GTKWave prints the visible window to PostScript; ghostscript turns it into PNG.
if ((${#range[@]})); then   # FROM TO in cycles; the harness dumps two time steps per cycle
  echo "gtkwave::setZoomRangeTimes $((2 * range[0])) $((2 * range[1] + 1))" >>"$tcl"
fi
cat >>"$tcl" <<TCL
gtkwave::/File/Print_To_File PS {Letter (8.5" x 11")} Full {$tmp/out.ps}
gtkwave::/File/Quit
TCL
timeout 120 xvfb-run -a -s "-screen 0 1920x1200x24" gtkwave "$fst" "${args[@]}" -S "$tcl" >"$tmp/gtkwave.log" 2>&1 || true
# gtkwave's exit status means little (it exits 0 on failure): judge by the PostScript it wrote.
[[ -s $tmp/out.ps ]] || { cat "$tmp/gtkwave.log" >&2; echo "waves: gtkwave wrote no PostScript" >&2; exit 1; }
# The PostScript is a portrait page with the waves turned 90 degrees; turn them back onto a landscape page.
gs -q -dSAFER -dBATCH -dNOPAUSE -sDEVICE=png16m -r150 -dDEVICEWIDTHPOINTS=792 -dDEVICEHEIGHTPOINTS=612 \
  -dFIXEDMEDIA -o "$png" -c '<< /Install { 0 612 translate -90 rotate } >> setpagedevice' -f "$tmp/out.ps"
echo "waves: $png"
