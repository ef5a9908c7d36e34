/* Memory controller model: twin of rtl/mem/vm_memctl.sv. */
#include "vm_memctl.h"

#include <string.h>

#include "../common/vm_bits.h"

void vm_memctl_step(struct vm_memctl *m, const struct vm_memctl_req *r)
{
    bool accept = r->valid && m->count == 0;
    if (m->rmw) {
        uint64_t bits = vm_strb_bits(m->strb), old = m->line[m->word];
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
