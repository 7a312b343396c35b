# symbols.awk: kernel text addresses by name, for lab/model-where.sh and
# lab/hunt-where.sh, which put it before their own program text. The
# first input file, SYMS, is lib.sh's text_symbols: "ADDR NAME" a line,
# sorted. Addresses are 16 hex digits, compared as strings (awk's numbers
# are doubles).
BEGIN { nsym = 0 }
FNR == NR { symaddr[nsym] = $1; symname[nsym] = $2; nsym++; next }
function pad(h) { while (length(h) < 16) h = "0" h; return h }
# off(a, b): a - b, both 16 hex digits and close (the low 32 bits).
function off(a, b,   i, d) {
	d = 0
	for (i = 9; i <= 16; i++)
		d = d * 16 + index("0123456789abcdef", substr(a, i, 1)) - index("0123456789abcdef", substr(b, i, 1))
	return d
}
# sym_index(e): the symbol at or below e (16 hex digits), -1 below the text.
function sym_index(e,   lo, hi, mid, best) {
	lo = 0; hi = nsym - 1; best = -1
	while (lo <= hi) {
		mid = int((lo + hi) / 2)
		if (symaddr[mid] <= e) { best = mid; lo = mid + 1 } else hi = mid - 1
	}
	return best
}
# where(epc): SYMBOL+0xOFF, or 0xEPC below the kernel text (a module, BPF,
# a kprobe slot; user code).
function where(epc,   e, b) {
	e = pad(epc); b = sym_index(e)
	return b < 0 ? "0x" epc : sprintf("%s+0x%x", symname[b], off(e, symaddr[b]))
}
