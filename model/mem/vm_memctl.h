/* Memory controller model: twin of rtl/mem/vm_memctl.sv (line-wide storage, fixed latency, RMW). */
#ifndef VM_MEMCTL_MODEL_H
#define VM_MEMCTL_MODEL_H

#include <stdbool.h>
#include <stdint.h>

struct vm_memctl {
    uint64_t *words;       /* the physical memory, word by word */
    uint64_t nwords;       /* power of two */
    unsigned line_words, latency, count;
    uint64_t line[8];      /* the line as accepted (after the write) */
    bool rmw;
    uint64_t index;        /* first word of the line */
    unsigned word;
    uint64_t cmp, wdata;
    uint8_t strb;
};

struct vm_memctl_req {
    bool valid, write, rmw;
    uint64_t addr, cmp, wdata;
    unsigned word;
    uint8_t strb;
    const uint64_t *line;
};

static inline bool vm_memctl_ready(const struct vm_memctl *m) { return m->count == 0; }
static inline bool vm_memctl_resp_valid(const struct vm_memctl *m) { return m->count == 1; }
static inline uint64_t vm_memctl_resp_word(const struct vm_memctl *m) { return m->line[m->word]; }

void vm_memctl_step(struct vm_memctl *m, const struct vm_memctl_req *r);

#endif
