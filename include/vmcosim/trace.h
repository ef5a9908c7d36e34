/* SPDX-License-Identifier: MIT */
/* Readers for real-program memory traces (the --trace input of `vmcosim run`): Valgrind Lackey `--trace-mem=yes` logs and
 * Dinero "din" traces, plain or gzip-compressed, yielding data accesses one at a time. Each open trace is
 * an explicit handle; several can be read at once in one process.
 *
 * Lackey (`valgrind --tool=lackey --trace-mem=yes --log-file=F prog`; lackey/lk_main.c prints with
 * " L %08lx,%lu", " S ...", " M ...", "I  %08lx,%lu"):
 *   " L addr,size"  load       " S addr,size"  store       " M addr,size"  modify (load then store of the
 *   same bytes); addr is hex without 0x, size decimal 1..4096. "I  addr,size" instruction fetch: checked,
 *   not returned. Valgrind's own messages ("==PID== ...", "--PID-- ..." with -v, "**PID** ...") are skipped.
 * din (Dinero III; Dinero IV `-informat d`): "LABEL ADDRESS [anything]" with LABEL 0 read, 1 write,
 *   2 instruction fetch, 3 escape (unknown access type), 4 escape (cache flush); 2..4 are skipped. ADDRESS is
 *   hex (a 0x prefix is accepted, as Dinero IV does); the rest of the line is a comment. din carries no
 *   size: like Dinero IV (dinfmt.c) a reference is the 4-byte word at ADDRESS & ~3.
 * Both: blank lines are skipped; a trailing '\r' (CRLF files) is ignored; lines longer than
 *   VM_TRACE_MAX_LINE bytes are malformed (Valgrind messages excepted, they are skipped whatever their size).
 * gzip content is recognised by its magic bytes and decompressed with zlib, whatever the file's name; a
 * handle reading compressed data owns a helper thread that inflates ahead of the parser (joined by
 * vm_trace_close), so parsing and inflating overlap. */
#ifndef VMCOSIM_TRACE_H
#define VMCOSIM_TRACE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VM_TRACE_MAX_LINE 4096u  /* longest line accepted, in bytes, without the newline */
#define VM_TRACE_MAX_SIZE 4096u  /* largest access size accepted (Valgrind reports 16/32/64 for vector ops) */

struct vm_trace; /* an open trace file */

enum vm_trace_kind {
    VM_TRACE_LOAD,   /* Lackey L, din 0 */
    VM_TRACE_STORE,  /* Lackey S, din 1 */
    VM_TRACE_MODIFY  /* Lackey M: a load then a store to the same bytes */
};

struct vm_trace_access {
    uint64_t addr;
    uint32_t size;  /* bytes, 1..VM_TRACE_MAX_SIZE (always 4 for din) */
    uint8_t kind;   /* enum vm_trace_kind */
    uint64_t line;  /* 1-based line number in the (decompressed) file */
};

enum vm_trace_format { VM_TRACE_AUTO, VM_TRACE_LACKEY, VM_TRACE_DIN };

/* Opens the trace at path, read as fmt; VM_TRACE_AUTO decides from the first non-blank line of the content
 * (never from the name). Returns the handle, or NULL with "PATH: what is wrong" in err when the file cannot
 * be opened or read or is binary (a NUL byte, or more than a quarter of the first 4 KiB non-printable), and
 * with "PATH:LINE: cannot tell the trace format ..." when under AUTO that line is neither format. An empty
 * file opens and yields no access. */
struct vm_trace *vm_trace_open(const char *path, enum vm_trace_format fmt, char *err, size_t errlen);

/* Reads the next data access into *a. Returns 1 when it got one, 0 at the end of the trace, or -1 on a
 * malformed line or a read error (truncated or corrupt gzip) with "PATH:LINE: what is wrong" in err; after
 * -1 every further call returns -1 with the same message, after 0 every further call returns 0. */
int vm_trace_next(struct vm_trace *t, struct vm_trace_access *a, char *err, size_t errlen);

/* The format being read: the one given to vm_trace_open, or the one AUTO chose (VM_TRACE_AUTO only for a
 * file without any non-blank line). */
enum vm_trace_format vm_trace_format_of(const struct vm_trace *t);

/* Short name of a format: "auto", "lackey", "din". */
const char *vm_trace_format_name(enum vm_trace_format fmt);

/* Closes the file and frees t. NULL is allowed. */
void vm_trace_close(struct vm_trace *t);

#ifdef __cplusplus
}
#endif

#endif
