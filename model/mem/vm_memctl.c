/* Memory controller model: twin of rtl/mem/vm_memctl.sv. */
#include "vm_memctl.h"

#include <string.h>

static uint64_t strb_bits(uint8_t strb)
{
    uint64_t x = strb;
    x = (x | (x << 28)) & 0x0000000F0000000Full;
    x = (x | (x << 14)) & 0x0003000300030003ull;
    x = (x | (x << 7)) & 0x0101010101010101ull;
    return x * 0xFF;
}

void vm_memctl_step(struct vm_memctl *m, const struct vm_memctl_req *r)
{
    bool accept = r->valid && m->count == 0;
    if (m->rmw) {
        uint64_t bits = strb_bits(m->strb), old = m->line[m->word];
        if (((old ^ m->cmp) & bits) == 0)
            m->words[m->index + m->word] = (old & ~bits) | (m->wdata & bits);
    }
    if (accept) {
        uint64_t index = ((r->addr >> 3) & (m->nwords - 1)) & ~(uint64_t)(m->line_words - 1);
        if (r->write)
            memcpy(&m->words[index], r->line, m->line_words * sizeof(uint64_t));
        memcpy(m->line, &m->words[index], m->line_words * sizeof(uint64_t));
        m->index = index;
        m->word = r->word;
        m->cmp = r->cmp;
        m->wdata = r->wdata;
        m->strb = r->strb;
        m->count = m->latency;
    } else if (m->count) {
        m->count--;
    }
    m->rmw = accept && r->rmw;
}
