/* SPDX-License-Identifier: MIT */
/* Trace readers: Valgrind Lackey --trace-mem=yes logs and Dinero din traces, plain or gzip (zlib).
 *
 * Sources the formats follow:
 * - Lackey: valgrind lackey/lk_main.c prints data accesses with " L %08lx,%lu\n", " S ...", " M ..." and
 *   instructions with "I  %08lx,%lu\n" (VG_(printf), no prefix). Valgrind's own messages carry the prefix
 *   "==PID== " (user), "--PID-- " (debug, -v) or "**PID** " (client), with an optional time stamp before
 *   the PID under --time-stamp=yes (coregrind/m_libcprint.c, "case Vg_UserMsg: ch = '='" ...).
 * - din: the Dinero III din format ("one LABEL and one ADDRESS per line. The rest of the line is ignored so
 *   that it can be used for comments"; LABEL 0 read data, 1 write data, 2 instruction fetch, 3 escape
 *   record (unknown access type), 4 escape record (cache flush); hex ADDRESS without 0x), as documented in
 *   the Dinero III man page and course notes (e.g. R. Peel, "Dinero File Format", Surrey CS250, 2001,
 *   http://www.computing.surrey.ac.uk/personal/st/R.Peel/cs250/din-format.html), and
 *   as Dinero IV reads it with -informat d (d4-7 dinfmt.c, tracein_din()): a hex label, whitespace, a hex
 *   address with an optional 0x, the rest of the line ignored, and "r.address = addr & ~3; r.size = 4;"
 *   since the format has no size field (d4-7 NOTES: "the size is not available in the traditional din
 *   format. When reading din format, Dinero IV forces all accesses to be 4-byte aligned and assumes a size
 *   of 4"). Sizes exist only in Dinero IV's extended din (-informat D: r/w/i/m/c/v label, hex size), which
 *   this reader does not take.
 * Deliberate departures from Dinero: blank lines are skipped (Dinero stops with "short line"), a trailing
 * '\r' is ignored, "0x" needs at least one digit after it, labels above 4 (Dinero IV's 5 = invalidate) are
 * malformed, and addresses may use 64 bits.
 */
#define _POSIX_C_SOURCE 200809L
#include <vmcosim/trace.h>

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#define BUF_CAP (256u * 1024u)  /* read buffer; over 2 x GZ_BUF, so zlib reads plain files straight into it */
#define GZ_BUF (64u * 1024u)    /* zlib's internal buffer */
#define SNIFF_BYTES 4096u       /* bytes examined for binary content */
#define MSG_EXTRA 384u          /* room for a message beyond the path */
#define BG_BLOCKS 3u            /* decompressed blocks in flight between the inflater thread and the parser */
#define BG_BLOCK (1024u * 1024u)
#define BUF_SLACK 16u           /* zeroed bytes after the buffer: all_hex8 may read past the last line */

/* Compressed input is inflated by a helper thread into a ring of blocks while the parser works on the
 * previous ones (zlib alone takes about as long as parsing). The thread alone touches gz once started. */
struct inflater {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    gzFile gz;
    char *data[BG_BLOCKS];
    size_t len[BG_BLOCKS];
    unsigned head, tail, count;  /* producer fills head, parser reads tail; count blocks are full */
    size_t off;                  /* parser's position in block tail */
    bool done;                   /* the producer has stopped: end of data or error (rderr) */
    bool stop;                   /* close asks the producer to stop */
    int rderr;
};

/* Reading: buf[beg, end) holds unread bytes, of which buf[beg, lim) are whole lines, each ending in '\n'
 * (a last line without one gets one appended at the end of the data). Parsers scan a line without bounds
 * checks: the '\n' stops every loop. */
struct vm_trace {
    gzFile gz;
    struct inflater *bg;       /* NULL: gz is read synchronously */
    enum vm_trace_format fmt;  /* as given or detected; AUTO only for a file without a non-blank line */
    char *buf;                 /* BUF_CAP + 1 bytes (room for the appended '\n'), then BUF_SLACK */
    size_t beg, lim, end;
    bool eof;                  /* no more bytes will come (end of the data or a read error) */
    int rderr;                 /* read error: 0 none, > 0 errno, < 0 minus a zlib error code */
    int state;                 /* 0 reading, 1 ended, -1 failed (msg says why) */
    uint64_t line;             /* number of the line being parsed (lines consumed so far) */
    char *msg;
    size_t msgcap;
    char path[];
};

/* Hex digit value + 1, 0 for anything else (a read-only table, not state). */
static const signed char kHex[256] = {
    ['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9,
    ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16, ['A'] = 11,
    ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};
#define HEXVAL(c) (kHex[(unsigned char)(c)] - 1)

static void copy_msg(const char *msg, char *err, size_t errlen)
{
    if (err && errlen)
        snprintf(err, errlen, "%s", msg);
}

/* Writes s[0, n) to out as a quoted excerpt: at most 48 characters, non-printables as \xNN. */
static void quote(char *out, size_t outlen, const char *s, size_t n)
{
    size_t o = 0;
    if (outlen < 8)
        return;
    out[o++] = '"';
    for (size_t i = 0; i < n && i < 48 && o + 6 < outlen; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f)
            out[o++] = (char)c;
        else
            o += (size_t)snprintf(out + o, outlen - o, "\\x%02x", c);
    }
    if (n > 48 && o + 5 < outlen) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o++] = '"';
    out[o] = '\0';
}

/* Marks t failed with "PATH:LINE: " and the formatted text. Returns -1. */
static int fail(struct vm_trace *t, uint64_t line, const char *fmt, ...)
{
    int k = snprintf(t->msg, t->msgcap, "%s:%llu: ", t->path, (unsigned long long)line);
    if (k > 0 && (size_t)k < t->msgcap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(t->msg + k, t->msgcap - (size_t)k, fmt, ap);
        va_end(ap);
    }
    t->state = -1;
    return -1;
}

/* Length of the line at s, without its '\n'. */
static size_t line_len(const struct vm_trace *t, const char *s)
{
    const char *nl = memchr(s, '\n', (size_t)(t->buf + t->lim - s));
    return (size_t)(nl - s);
}

/* Malformed current line at s: "PATH:LINE: what in \"excerpt\"" (or that it is too long). Returns -1. */
static int bad_line(struct vm_trace *t, const char *what, const char *s)
{
    size_t n = line_len(t, s);
    if (n > VM_TRACE_MAX_LINE)
        return fail(t, t->line, "line longer than %u bytes", VM_TRACE_MAX_LINE);
    char q[256];
    quote(q, sizeof q, s, n);
    return fail(t, t->line, "%s in %s", what, q);
}

static const char *read_error_text(int rderr, char *buf, size_t len)
{
    switch (rderr) {
    case -Z_BUF_ERROR:
        return "truncated gzip data (unexpected end of file)";
    case -Z_DATA_ERROR:
        return "corrupt gzip data";
    case -Z_MEM_ERROR:
        return "out of host memory";
    default:
        if (rderr > 0)
            return strerror(rderr);
        snprintf(buf, len, "zlib error %d", -rderr);
        return buf;
    }
}

static int fail_read(struct vm_trace *t)
{
    char tmp[32];
    return fail(t, t->line + 1, "read error: %s", read_error_text(t->rderr, tmp, sizeof tmp));
}

/* One gzread into dst. Returns the byte count; *rderr gets 0, errno (> 0) or minus a zlib error code. */
static size_t gz_chunk(gzFile gz, char *dst, size_t cap, int *rderr)
{
    errno = 0;
    int n = gzread(gz, dst, (unsigned)cap);
    int saved = errno;
    int zerr = Z_OK;
    gzerror(gz, &zerr);
    *rderr = 0;
    if (n < 0 || zerr != Z_OK)
        *rderr = zerr == Z_ERRNO ? (saved ? saved : EIO) : -(zerr == Z_OK ? Z_STREAM_ERROR : zerr);
    return n > 0 ? (size_t)n : 0;
}

static void *inflater_main(void *arg)
{
    struct inflater *bg = arg;
    for (;;) {
        pthread_mutex_lock(&bg->mu);
        while (bg->count == BG_BLOCKS && !bg->stop)
            pthread_cond_wait(&bg->cv, &bg->mu);
        unsigned i = bg->head;
        bool stop = bg->stop;
        pthread_mutex_unlock(&bg->mu);
        if (stop)
            return NULL;
        int rderr = 0;
        size_t n = 0, k;
        do {  /* gzread stops early at a gzip member boundary: fill the block */
            k = gz_chunk(bg->gz, bg->data[i] + n, BG_BLOCK - n, &rderr);
            n += k;
        } while (k && !rderr && n < BG_BLOCK);
        pthread_mutex_lock(&bg->mu);
        bg->len[i] = n;
        bg->head = (i + 1) % BG_BLOCKS;
        bg->count++;
        bool last = n < BG_BLOCK || rderr;
        if (last) {
            bg->done = true;
            bg->rderr = rderr;
        }
        pthread_cond_broadcast(&bg->cv);
        pthread_mutex_unlock(&bg->mu);
        if (last)
            return NULL;
    }
}

/* Starts the inflater thread on t->gz. Returns 0, or -1 (t keeps reading synchronously). */
static int inflater_start(struct vm_trace *t)
{
    struct inflater *bg = calloc(1, sizeof *bg);
    if (!bg)
        return -1;
    for (unsigned i = 0; i < BG_BLOCKS; i++)
        if (!(bg->data[i] = malloc(BG_BLOCK)))
            goto fail;
    bg->gz = t->gz;
    if (pthread_mutex_init(&bg->mu, NULL))
        goto fail;
    if (pthread_cond_init(&bg->cv, NULL)) {
        pthread_mutex_destroy(&bg->mu);
        goto fail;
    }
    if (pthread_create(&bg->thread, NULL, inflater_main, bg)) {
        pthread_cond_destroy(&bg->cv);
        pthread_mutex_destroy(&bg->mu);
        goto fail;
    }
    t->bg = bg;
    return 0;
fail:
    for (unsigned i = 0; i < BG_BLOCKS; i++)
        free(bg->data[i]);
    free(bg);
    return -1;
}

static void inflater_stop(struct inflater *bg)
{
    pthread_mutex_lock(&bg->mu);
    bg->stop = true;
    pthread_cond_broadcast(&bg->cv);
    pthread_mutex_unlock(&bg->mu);
    pthread_join(bg->thread, NULL);
    pthread_cond_destroy(&bg->cv);
    pthread_mutex_destroy(&bg->mu);
    for (unsigned i = 0; i < BG_BLOCKS; i++)
        free(bg->data[i]);
    free(bg);
}

/* Copies inflated bytes into buf[end, BUF_CAP), waiting only while it has none. */
static void inflater_take(struct vm_trace *t)
{
    struct inflater *bg = t->bg;
    size_t space = BUF_CAP - t->end, got = 0;
    while (got < space) {
        pthread_mutex_lock(&bg->mu);
        while (!bg->count && !bg->done && !got)
            pthread_cond_wait(&bg->cv, &bg->mu);
        unsigned count = bg->count;
        bool done = bg->done;
        pthread_mutex_unlock(&bg->mu);
        if (!count) {
            if (done && !got) {
                t->eof = true;
                t->rderr = bg->rderr;
            }
            break;
        }
        unsigned i = bg->tail;
        size_t k = bg->len[i] - bg->off;
        if (k > space - got)
            k = space - got;
        memcpy(t->buf + t->end + got, bg->data[i] + bg->off, k);
        got += k;
        bg->off += k;
        if (bg->off == bg->len[i]) {
            pthread_mutex_lock(&bg->mu);
            bg->tail = (i + 1) % BG_BLOCKS;
            bg->count--;
            bg->off = 0;
            pthread_cond_broadcast(&bg->cv);
            pthread_mutex_unlock(&bg->mu);
        }
    }
    t->end += got;
}

/* Reads as much as is at hand into buf[end, BUF_CAP). Sets eof at the end of the data, and rderr (with eof)
 * on a read error; bytes read before an error are kept. */
static void read_more(struct vm_trace *t)
{
    if (t->bg) {
        inflater_take(t);
        return;
    }
    int rderr;
    size_t n = gz_chunk(t->gz, t->buf + t->end, BUF_CAP - t->end, &rderr);
    t->end += n;
    if (rderr) {
        t->rderr = rderr;
        t->eof = true;
    } else if (n == 0) {
        t->eof = true;
    }
}

/* Sets lim past the last '\n' in buf[from, end), given that buf[beg, from) has none (lim = beg then). */
static void find_lim(struct vm_trace *t, size_t from)
{
    size_t i = t->end;
    while (i > from && t->buf[i - 1] != '\n')
        i--;
    t->lim = i > from ? i : t->beg;
}

/* The line at beg has no '\n' within VM_TRACE_MAX_LINE bytes: keeps its first VM_TRACE_MAX_LINE + 1 bytes,
 * drops the rest of it, and ends the kept head with '\n' (parsers then see an over-long line). Returns 1,
 * or -1 on a read error. */
static int cut_long_line(struct vm_trace *t)
{
    const size_t keep = VM_TRACE_MAX_LINE + 1;
    memmove(t->buf, t->buf + t->beg, t->end - t->beg);
    t->end -= t->beg;
    t->beg = 0;
    size_t rest = 0;
    for (;;) {
        char *nl = memchr(t->buf + keep, '\n', t->end - keep);
        if (nl) {
            rest = t->end - (size_t)(nl + 1 - t->buf);
            memmove(t->buf + keep + 1, nl + 1, rest);
            break;
        }
        t->end = keep;
        if (t->eof) {
            if (t->rderr)
                return fail_read(t);
            break;
        }
        read_more(t);
    }
    t->buf[keep] = '\n';
    t->end = keep + 1 + rest;
    find_lim(t, keep);
    return 1;
}

/* Makes a whole line available at buf[beg]. Returns 1, 0 at the end of the data, -1 on a read error. */
static int need_line(struct vm_trace *t)
{
    for (;;) {
        if (t->beg < t->lim)
            return 1;
        size_t avail = t->end - t->beg;
        if (t->eof) {
            if (t->rderr)
                return fail_read(t);  /* a partial last line is not trusted */
            if (!avail)
                return 0;
            t->buf[t->end++] = '\n';  /* the last line had none */
            t->lim = t->end;
            return 1;
        }
        if (avail > VM_TRACE_MAX_LINE)
            return cut_long_line(t);
        memmove(t->buf, t->buf + t->beg, avail);
        t->beg = 0;
        t->end = avail;
        read_more(t);
        find_lim(t, avail);
    }
}

static inline bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* True when s[0, n) holds only white space. */
static bool is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_space(s[i]) && s[i] != '\f' && s[i] != '\v')
            return false;
    return true;
}

/* Hex digits at *pp: returns how many (0: none), -1 when the value does not fit in 64 bits; *pp moves
 * past them. */
static inline int scan_hex(const char **pp, uint64_t *v)
{
    const char *p = *pp;
    uint64_t x = 0;
    int nd = 0, d;
    while ((d = HEXVAL(*p)) >= 0) {
        if (x >> 60) {
            nd = -1;
            break;
        }
        x = x << 4 | (unsigned)d;
        p++;
        nd++;
    }
    *pp = p;
    *v = x;
    return nd;
}

/* Decimal digits at *pp: returns how many; values above 2^32 saturate to UINT64_MAX. */
static inline int scan_dec(const char **pp, uint64_t *v)
{
    const char *p = *pp;
    uint64_t x = 0;
    int nd = 0;
    while ((unsigned)(*p - '0') < 10u) {
        x = x > (1ull << 32) ? UINT64_MAX : x * 10 + (unsigned)(*p - '0');
        p++;
        nd++;
    }
    *pp = p;
    *v = x;
    return nd;
}

/* "==PID== ", "--PID-- ", "**PID** " (PID possibly after a --time-stamp=yes stamp) at s[0, n). */
static bool is_valgrind_msg(const char *s, size_t n)
{
    if (n < 5 || s[1] != s[0] || (s[0] != '=' && s[0] != '-' && s[0] != '*'))
        return false;
    size_t i = 2;
    while (i < n && (((unsigned)(s[i] - '0') < 10u) || s[i] == ':' || s[i] == '.' || s[i] == ' '))
        i++;
    return i > 2 && i + 1 < n && s[i] == s[0] && s[i + 1] == s[0];
}

/* "ADDR,SIZE\n" at s + 3 of a Lackey line. Returns the position of the '\n', or NULL with the message set. */
static inline const char *lackey_fields(struct vm_trace *t, const char *s, uint64_t *addr, uint64_t *size)
{
    const char *p = s + 3;
    int nd = scan_hex(&p, addr);
    if (nd <= 0) {
        bad_line(t, nd ? "address does not fit in 64 bits" : "bad address (expected hex digits without 0x)", s);
        return NULL;
    }
    if (*p++ != ',') {
        bad_line(t, "expected ',' after the address", s);
        return NULL;
    }
    if (!scan_dec(&p, size)) {
        bad_line(t, "bad size (expected a decimal number)", s);
        return NULL;
    }
    while (is_space(*p))
        p++;
    if (*p != '\n') {
        bad_line(t, "unexpected characters after the size", s);
        return NULL;
    }
    if ((size_t)(p - s) > VM_TRACE_MAX_LINE) {
        fail(t, t->line, "line longer than %u bytes", VM_TRACE_MAX_LINE);
        return NULL;
    }
    return p;
}

/* Whether the eight bytes at p are all hex digits, tested at once: as 7-bit values (a non-ASCII byte is
 * not a digit) the sums never carry into the next byte, and each byte's top bit answers "at least". */
static inline bool all_hex8(const char *p)
{
    const uint64_t ones = 0x0101010101010101ull, high = ones * 0x80;
    uint64_t x;
    memcpy(&x, p, 8);
    uint64_t h = x & ~high, l = h | ones * 0x20;   /* l: letters in lower case */
    uint64_t digit = (h + ones * (0x80 - '0')) & ~(h + ones * (0x80 - '9' - 1));
    uint64_t letter = (l + ones * (0x80 - 'a')) & ~(l + ones * (0x80 - 'f' - 1));
    return ((digit | letter) & ~x & high) == high;
}

/* The value of eight hex digits at p (all_hex8): digit values as bytes, most significant first, packed
 * pairwise into nibbles, bytes and halves. */
static inline uint64_t hex8_value(const char *p)
{
    const uint64_t ones = 0x0101010101010101ull;
    uint64_t x;
    memcpy(&x, p, 8);
    uint64_t t = (x & ones * 0x0F) + ((x >> 6) & ones) * 9;   /* letters have bit 6 set: 'a' & 15 = 1 */
    t = ((t << 4) | (t >> 8)) & 0x00FF00FF00FF00FFull;
    t = ((t << 8) | (t >> 16)) & 0x0000FFFF0000FFFFull;
    return ((t << 16) | (t >> 32)) & 0xFFFFFFFFull;
}

/* The usual "ADDR,SIZE\n" at s + 3 of a Lackey line (1..16 hex digits, 1..9 decimal ones, nothing else):
 * the position of the '\n', or NULL for anything else, which lackey_fields then reads (and names what is
 * wrong). Its loops check nothing per digit: these lengths cannot overflow (the line is short, too). */
static inline __attribute__((always_inline)) const char *lackey_fast(const char *s, uint64_t *addr,
                                                                  uint64_t *size)
{
    const char *p = s + 3, *q;
    uint64_t x = 0, n = 0;
    int d;
    if (all_hex8(p)) {   /* the usual eight or more digits: the first eight at once */
        x = hex8_value(p);
        p += 8;
    }
    for (; p - s < 3 + 17 && (d = HEXVAL(*p)) >= 0; p++)   /* at most seventeen: more are not the usual */
        x = x << 4 | (unsigned)d;
    if (p == s + 3 || p - (s + 3) > 16 || *p != ',')
        return NULL;
    q = ++p;
    if ((unsigned)(p[0] - '0') < 10u && p[1] == '\n') {   /* the usual one-digit size */
        n = (unsigned)(p[0] - '0');
        p++;
    } else {
        for (; (unsigned)(*p - '0') < 10u; p++)
            n = n * 10 + (unsigned)(*p - '0');
        if (p == q || p - q > 9 || *p != '\n')
            return NULL;
    }
    *addr = x;
    *size = n;
    return p;
}

/* The Lackey line at s. Returns 1 with *a filled, 0 for a line without a data access, -1 when malformed;
 * *next is set past the line's '\n'. */
static inline int parse_lackey(struct vm_trace *t, const char *s, const char **next, struct vm_trace_access *a)
{
    uint64_t addr, size;
    const char *e;
    if (s[0] == ' ' && (s[1] == 'L' || s[1] == 'S' || s[1] == 'M') && s[2] == ' ') {
        if (!(e = lackey_fast(s, &addr, &size)) && !(e = lackey_fields(t, s, &addr, &size)))
            return -1;
        if (size < 1 || size > VM_TRACE_MAX_SIZE)
            return bad_line(t, "size out of range 1..4096", s);
        a->addr = addr;
        a->size = (uint32_t)size;
        a->kind = s[1] == 'L' ? VM_TRACE_LOAD : s[1] == 'S' ? VM_TRACE_STORE : VM_TRACE_MODIFY;
        a->line = t->line;
        *next = e + 1;
        return 1;
    }
    if (s[0] == 'I' && s[1] == ' ' && s[2] == ' ') {
        if (!(e = lackey_fast(s, &addr, &size)) && !(e = lackey_fields(t, s, &addr, &size)))
            return -1;
        *next = e + 1;
        return 0;
    }
    size_t n = line_len(t, s);
    *next = s + n + 1;
    if (is_valgrind_msg(s, n))
        return 0;  /* whatever its length */
    if (n > VM_TRACE_MAX_LINE)
        return fail(t, t->line, "line longer than %u bytes", VM_TRACE_MAX_LINE);
    if (is_blank(s, n))
        return 0;
    return bad_line(t, "not a Lackey line (expected ' L|S|M hexaddr,size', 'I  hexaddr,size' or '==PID== ...')",
                    s);
}

/* The din line at s. Returns 1 with *a filled, 0 for a line without a data access, -1 when malformed;
 * *next is set past the line's '\n'. */
static inline int parse_din(struct vm_trace *t, const char *s, const char **next, struct vm_trace_access *a)
{
    const char *p = s;
    uint64_t label, addr;
    while (*p == ' ' || *p == '\t')
        p++;
    int nd = scan_hex(&p, &label);
    if (nd == 0) {
        size_t n = line_len(t, s);
        *next = s + n + 1;
        if (n <= VM_TRACE_MAX_LINE && is_blank(s, n))
            return 0;
    }
    if (nd == 0 || !(is_space(*p) || *p == '\n'))
        return bad_line(t, "bad label (expected 0 read, 1 write, 2 ifetch, 3 or 4 escape)", s);
    if (nd < 0 || label > 4)
        return bad_line(t, "unknown label (expected 0 read, 1 write, 2 ifetch, 3 or 4 escape)", s);
    while (is_space(*p))
        p++;
    if (*p == '\n')
        return bad_line(t, "missing address", s);
    if (p[0] == '0' && (p[1] | 0x20) == 'x')
        p += 2;
    nd = scan_hex(&p, &addr);
    if (nd < 0)
        return bad_line(t, "address does not fit in 64 bits", s);
    if (nd == 0 || !(is_space(*p) || *p == '\n'))
        return bad_line(t, "bad address (expected hex digits)", s);
    if (*p != '\n')
        p = memchr(p, '\n', (size_t)(t->buf + t->lim - p));  /* the rest is a comment */
    if ((size_t)(p - s) > VM_TRACE_MAX_LINE)
        return fail(t, t->line, "line longer than %u bytes", VM_TRACE_MAX_LINE);
    *next = p + 1;
    if (label >= 2)
        return 0;
    a->addr = addr & ~(uint64_t)3;
    a->size = 4;
    a->kind = label == 0 ? VM_TRACE_LOAD : VM_TRACE_STORE;
    a->line = t->line;
    return 1;
}

/* The format the line s[0, n) shows: VM_TRACE_LACKEY, VM_TRACE_DIN, VM_TRACE_AUTO for a blank line, -1
 * for neither. Reads nothing past s + n. */
static int classify(const char *s, size_t n)
{
    if (is_blank(s, n))
        return VM_TRACE_AUTO;
    if (is_valgrind_msg(s, n))
        return VM_TRACE_LACKEY;
    if (n >= 3 && s[2] == ' ' &&
        ((s[0] == ' ' && (s[1] == 'L' || s[1] == 'S' || s[1] == 'M')) || (s[0] == 'I' && s[1] == ' ')))
        return VM_TRACE_LACKEY;
    size_t i = 0;
    uint64_t label = 0;
    unsigned nd = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    for (; i < n && HEXVAL(s[i]) >= 0 && nd < 16; i++, nd++)
        label = label << 4 | (unsigned)HEXVAL(s[i]);
    if (!nd || label > 4 || i == n || (s[i] != ' ' && s[i] != '\t'))
        return -1;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i + 1 < n && s[i] == '0' && (s[i + 1] | 0x20) == 'x')
        i += 2;
    for (nd = 0; i < n && HEXVAL(s[i]) >= 0; i++)
        nd++;
    if (!nd || (i < n && !is_space(s[i])))
        return -1;
    return VM_TRACE_DIN;
}

/* Decides the format from the head of the file in the buffer. Returns 0, or -1 with t->msg set. */
static int detect(struct vm_trace *t)
{
    const char *p = t->buf, *e = t->buf + t->end;
    uint64_t line = 0;
    while (p < e) {
        const char *nl = memchr(p, '\n', (size_t)(e - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(e - p);
        line++;
        int f = classify(p, n);
        if (f == VM_TRACE_LACKEY || f == VM_TRACE_DIN) {
            t->fmt = (enum vm_trace_format)f;
            return 0;
        }
        if (f < 0) {
            char q[256];
            quote(q, sizeof q, p, n);
            return fail(t, line,
                        "cannot tell the trace format from the content: %s is neither a Valgrind Lackey line "
                        "(' L|S|M hexaddr,size', 'I  hexaddr,size', '==PID== ...') nor a Dinero din line "
                        "('LABEL hexaddr', LABEL 0..4); the format is decided by content only, never by the "
                        "file name: give it explicitly",
                        q);
        }
        if (!nl)
            break;
        p = nl + 1;
    }
    if (t->eof)
        return 0;  /* blank lines only: nothing to read */
    return fail(t, line, "cannot tell the trace format from the first %u KiB (blank lines only)", BUF_CAP / 1024);
}

static bool looks_binary(const unsigned char *p, size_t n, char *why, size_t whylen)
{
    size_t odd = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        if (c == 0) {
            snprintf(why, whylen, "a NUL byte at offset %zu", i);
            return true;
        }
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') || c >= 0x7f)
            odd++;
    }
    if (odd * 4 > n) {
        snprintf(why, whylen, "%zu of the first %zu bytes are not printable", odd, n);
        return true;
    }
    return false;
}

const char *vm_trace_format_name(enum vm_trace_format fmt)
{
    switch (fmt) {
    case VM_TRACE_AUTO: return "auto";
    case VM_TRACE_LACKEY: return "lackey";
    case VM_TRACE_DIN: return "din";
    }
    return "?";
}

struct vm_trace *vm_trace_open(const char *path, enum vm_trace_format fmt, char *err, size_t errlen)
{
    if (fmt != VM_TRACE_AUTO && fmt != VM_TRACE_LACKEY && fmt != VM_TRACE_DIN) {
        if (err && errlen)
            snprintf(err, errlen, "%s: unknown trace format %d", path, (int)fmt);
        return NULL;
    }
    size_t plen = strlen(path);
    struct vm_trace *t = calloc(1, sizeof *t + plen + 1);
    if (!t || !(t->buf = calloc(1, BUF_CAP + 1 + BUF_SLACK)) || !(t->msg = malloc(plen + MSG_EXTRA))) {
        if (err && errlen)
            snprintf(err, errlen, "%s: out of host memory", path);
        vm_trace_close(t);
        return NULL;
    }
    memcpy(t->path, path, plen + 1);
    t->msgcap = plen + MSG_EXTRA;
    t->fmt = fmt;

    errno = 0;
    t->gz = gzopen(path, "rb");
    if (!t->gz) {
        if (err && errlen)
            snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno ? errno : ENOMEM));
        vm_trace_close(t);
        return NULL;
    }
    gzbuffer(t->gz, GZ_BUF);
    while (!t->eof && t->end < BUF_CAP)  /* up to the end of a small file: AUTO and empty files need it */
        read_more(t);
    find_lim(t, 0);
    char why[96], tmp[32];
    if (t->end == 0 && t->rderr) {
        snprintf(t->msg, t->msgcap, "%s: cannot read: %s", path, read_error_text(t->rderr, tmp, sizeof tmp));
        goto out_fail;
    }
    if (looks_binary((const unsigned char *)t->buf, t->end < SNIFF_BYTES ? t->end : SNIFF_BYTES, why,
                     sizeof why)) {
        snprintf(t->msg, t->msgcap, "%s: binary content (%s), not a text trace", path, why);
        goto out_fail;
    }
    if (fmt == VM_TRACE_AUTO && detect(t) < 0)
        goto out_fail;
    if (!t->eof && !gzdirect(t->gz))
        inflater_start(t);  /* on failure, reading stays synchronous */
    t->state = 0;
    return t;

out_fail:
    copy_msg(t->msg, err, errlen);
    vm_trace_close(t);
    return NULL;
}

/* Skips the well-formed Lackey instruction lines at beg (most lines of a trace), with the position and line
 * count in registers; nothing reads their values, so the usual "I  8-digit-address,digit" is only tested.
 * Returns whether a line is left in buf[beg, lim). */
static bool skip_instructions(struct vm_trace *t)
{
    const char *s = t->buf + t->beg, *lim = t->buf + t->lim, *e;
    uint64_t line = t->line, addr, size;
    while (s < lim && s[0] == 'I' && s[1] == ' ' && s[2] == ' ') {
        if (all_hex8(s + 3) && s[11] == ',' && (unsigned)(s[12] - '0') < 10u && s[13] == '\n')
            e = s + 13;
        else if (!(e = lackey_fast(s, &addr, &size)))
            break;
        s = e + 1;
        line++;
    }
    t->line = line;
    t->beg = (size_t)(s - t->buf);
    return s < lim;
}

int vm_trace_next(struct vm_trace *t, struct vm_trace_access *a, char *err, size_t errlen)
{
    if (t->state > 0)
        return 0;
    if (t->state < 0) {
        copy_msg(t->msg, err, errlen);
        return -1;
    }
    const bool din = t->fmt == VM_TRACE_DIN;
    for (;;) {
        if (t->beg >= t->lim) {
            int r = need_line(t);
            if (r <= 0) {
                if (r < 0)
                    copy_msg(t->msg, err, errlen);
                else
                    t->state = 1;
                return r;
            }
        }
        if (!din && !skip_instructions(t))
            continue;   /* the buffer's lines were all instructions */
        const char *s = t->buf + t->beg, *next = s;
        t->line++;
        int r = din ? parse_din(t, s, &next, a) : parse_lackey(t, s, &next, a);
        if (r < 0) {
            copy_msg(t->msg, err, errlen);
            return -1;
        }
        t->beg = (size_t)(next - t->buf);
        if (r > 0)
            return 1;
    }
}

enum vm_trace_format vm_trace_format_of(const struct vm_trace *t) { return t->fmt; }

void vm_trace_close(struct vm_trace *t)
{
    if (!t)
        return;
    if (t->bg)
        inflater_stop(t->bg);
    if (t->gz)
        gzclose(t->gz);
    free(t->buf);
    free(t->msg);
    free(t);
}
