#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Opens an FST from `vmcosim run --waves` in GTKWave with a view from waves/, or renders it to PNG headless.
#   scripts/waves.sh FILE.fst [VIEW[:CORE]]                  VIEW = mmu (default), cache, bus, any waves/VIEW.gtkw, or all
#   scripts/waves.sh --png FILE.fst VIEW[:CORE] OUT.png [FROM TO]   FROM..TO in cycles (default: the view's zoom)
# The FST is of vm_top (l1.size=0: the MMU on a flat memory) or of vm_soc (cores of MMU and L1, DMA engine,
# bus, memory controller). mmu and all work on both; cache and bus need vm_soc. The per-core views (mmu,
# cache) show core CORE (default 0) of a vm_soc FST. A view is moved onto the FST's scopes and vector ranges,
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
core=0
if [[ $view == *:* ]]; then
  core=${view#*:} view=${view%%:*}
  [[ $core =~ ^[0-9]+$ ]] || usage
fi

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
# The top: the scope under the harness root ("vm") that holds the MMUs, vm.vm_top or vm.vm_soc. The core's
# scope: the one holding core CORE's MMU, vm.vm_top itself or vm.vm_soc.gen_core[CORE].u_core (a Verilator
# generate block keeps its index in brackets in the scope name).
top=$(awk -F. '/\.u_mmu\./ { print $1 "." $2; exit }' "$declared")
coresc=$(awk -v n="$core" '
  { i = index($0, ".u_mmu."); if (!i) next; s = substr($0, 1, i - 1) }
  s ~ /\.gen_core\[[0-9]+\]\.u_core$/ ? index(s, ".gen_core[" n "].") : n == 0 { print s; exit }' "$declared")
if [[ -n $top && -z $coresc && $view != all ]]; then
  echo "waves: $fst has no core $core" >&2
  exit 2
fi

args=() want=0
if [[ $view == all ]]; then
  # No save file: add every signal of the dump (and count those GTKWave found).
  printf 'set added [gtkwave::addSignalsFromList [split [read [open {%s}]] "\\n"]]\n' "$declared" >>"$tcl"
  want=$(grep -c . "$declared" || true)
else
  save=$root/waves/$view.gtkw
  [[ -f $save ]] || { echo "waves: no view $save" >&2; exit 2; }
  # A save file names the scopes of one top: mmu.gtkw vm.vm_top (whose ports a vm_soc core repeats),
  # cache.gtkw core 0 of vm_soc (vm.vm_soc.gen_core[0].u_core), bus.gtkw vm.vm_soc. Move them onto the FST's
  # top and core CORE. The view names vectors with their ranges for the default geometry; take the FST's
  # ranges instead (e.g. valid_q[31:0] for a 32-entry TLB, hit_way[1:0] for a 4-way L1), otherwise GTKWave
  # drops them.
  savetop=$(awk -F. '/^[^-@*[^]/ { print $1 "." $2; exit }' "$save")
  coregen=${coresc%.u_core}
  [[ $coregen == "$coresc" ]] && coregen=$top
  awk -v top="$top" -v core="$coresc" -v coregen="$coregen" '
    function base(n) { sub(/\[[0-9]+(:[0-9]+)?\]$/, "", n); return n }
    # the first of the save file scopes that prefixes n, moved onto the FST scope (longest prefixes first)
    function move(n,   k) {
      for (k = 1; k <= nmap; k++)
        if (index(n, from[k]) == 1) return to[k] substr(n, length(from[k]) + 1)
      return n }
    BEGIN { nmap = split("vm.vm_soc.gen_core[0].u_core. vm.vm_soc.gen_core[0]. vm.vm_top. vm.vm_soc.", from, " ")
            to[1] = core "."; to[2] = coregen "."; to[3] = core "."; to[4] = top "." }
    NR == FNR { real[base($0)] = $0; have[$0] = 1; next }
    top != "" && core != "" && /^[^-@*[^]/ { $0 = move($0) }
    top != "" && core != "" && /^\[treeopen\] / { $2 = move($2) }
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
