#!/usr/bin/env bash
# Opens an FST from `vmcosim run --waves` in GTKWave with a view from waves/, or renders it to PNG headless.
#   scripts/waves.sh FILE.fst [VIEW]                      VIEW = mmu (default), cache, bus, any waves/VIEW.gtkw, or all
#   scripts/waves.sh --png FILE.fst VIEW OUT.png [FROM TO]   FROM..TO in cycles (default: the view's zoom)
# The FST is of vm_top (l1.size=0: the MMU on a flat memory) or of vm_soc (MMU, L1, bus, memory controller).
# mmu and all work on both; cache and bus need vm_soc. A view is moved onto the FST's top and vector ranges,
# and signals of the view that the FST lacks are reported (GTKWave would drop them without a word).
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
# Every signal the FST declares, as GTKWave names it: scope.name[msb:lsb], but scope.name[n] for a
# one-bit vector [n:n] (e.g. u_l1.hit_way[0] with 2 ways, u_bus.req_i[0] with one bus master).
fst2vcd "$fst" 2>/dev/null | sed '/enddefinitions/q' | awk '
  $1 == "$scope"   { s = s $3 "." }
  $1 == "$upscope" { sub(/[^.]*\.$/, "", s) }
  $1 == "$var"     { r = $6 ~ /^\[/ ? $6 : ""
                     if (split(substr(r, 2, length(r) - 2), b, ":") == 2 && b[1] == b[2]) r = "[" b[1] "]"
                     print s $5 r }' >"$declared" || true
# The top: the scope under the harness root ("vm") that holds the MMU, vm.vm_top or vm.vm_soc.
top=$(awk -F. '$3 == "u_mmu" { print $1 "." $2; exit }' "$declared")

args=() want=0
if [[ $view == all ]]; then
  # No save file: add every signal of the dump (and count those GTKWave found).
  printf 'set added [gtkwave::addSignalsFromList [split [read [open {%s}]] "\\n"]]\n' "$declared" >>"$tcl"
  want=$(grep -c . "$declared" || true)
else
  save=$root/waves/$view.gtkw
  [[ -f $save ]] || { echo "waves: no view $save" >&2; exit 2; }
  # A save file names one top (mmu.gtkw vm.vm_top, cache.gtkw and bus.gtkw vm.vm_soc): move it onto the
  # FST's top. It names vectors with their ranges for the default geometry; take the FST's ranges instead
  # (e.g. valid_q[31:0] for a 32-entry TLB, hit_way[1:0] for a 4-way L1), otherwise GTKWave drops them.
  savetop=$(awk -F. '/^[^-@*[^]/ { print $1 "." $2; exit }' "$save")
  awk -v from="$savetop." -v to="${top:+$top.}" '
    function base(n) { sub(/\[[0-9]+(:[0-9]+)?\]$/, "", n); return n }
    NR == FNR { real[base($0)] = $0; have[$0] = 1; next }
    to != "" && from != "." && (/^[^-@*[^]/ || /^\[treeopen\] /) {
      i = index($0, from)
      if (i == 1 || (i > 1 && /^\[treeopen\] /)) $0 = substr($0, 1, i - 1) to substr($0, i + length(from)) }
    /^[^-@*[^]/ && !($0 in have) && (base($0) in real) { $0 = real[base($0)] }
    { print }' "$declared" "$save" >"$tmp/$view.gtkw"
  args=("$tmp/$view.gtkw")
  want=$(grep -c '^[^-@*[^]' "$tmp/$view.gtkw" || true)
  if [[ -n $top ]]; then
    # Signals of the view the FST does not declare, and the scopes among theirs that it lacks entirely.
    awk -v missing="$tmp/missing" -v scopes="$tmp/scopes" '
      NR == FNR { have[$0] = 1; s = $0; while (sub(/\.[^.]*$/, "", s)) scope[s] = 1; next }
      /^[^-@*[^]/ && !($0 in have) { print > missing; s = $0; sub(/\.[^.]*$/, "", s)
                                      if (!(s in scope) && !(s in seen)) { seen[s] = 1; print s > scopes } }
    ' "$declared" "$tmp/$view.gtkw"
    if [[ -s $tmp/missing ]]; then
      echo "waves: $(grep -c . "$tmp/missing") of $want signals of the $view view are not in $fst:" >&2
      sed 's/^/  /' "$tmp/missing" >&2
      if [[ -s $tmp/scopes ]]; then
        echo "waves: $fst is of ${top#vm.}, which has no $(paste -sd ' ' "$tmp/scopes"): the $view view" \
          "is for ${savetop#vm.} (vmcosim writes an FST of vm_soc when l1.size > 0)" >&2
        exit 2
      fi
    fi
  fi
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
set shown [open {$tmp/shown} w]
if {[info exists added]} { puts \$shown \$added } else { puts \$shown [llength [gtkwave::getDisplayedSignals]] }
close \$shown
gtkwave::/File/Print_To_File PS {Letter (8.5" x 11")} Full {$tmp/out.ps}
gtkwave::/File/Quit
TCL
timeout 120 xvfb-run -a -s "-screen 0 1920x1200x24" gtkwave "$fst" "${args[@]}" -S "$tcl" >"$tmp/gtkwave.log" 2>&1 || true
# gtkwave's exit status means little (it exits 0 on failure): judge by the PostScript it wrote.
[[ -s $tmp/out.ps ]] || { cat "$tmp/gtkwave.log" >&2; echo "waves: gtkwave wrote no PostScript" >&2; exit 1; }
shown=$(cat "$tmp/shown" 2>/dev/null || echo '?')
[[ $shown == "$want" ]] || echo "waves: GTKWave shows $shown of the $want signals of the $view view" >&2
# The PostScript is a portrait page with the waves turned 90 degrees; turn them back onto a landscape page.
gs -q -dSAFER -dBATCH -dNOPAUSE -sDEVICE=png16m -r150 -dDEVICEWIDTHPOINTS=792 -dDEVICEHEIGHTPOINTS=612 \
  -dFIXEDMEDIA -o "$png" -c '<< /Install { 0 612 translate -90 rotate } >> setpagedevice' -f "$tmp/out.ps"
echo "waves: $png ($shown signals)"
