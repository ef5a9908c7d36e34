/* SPDX-License-Identifier: MIT */
/* Memory controller model: twin of rtl/mem/vm_memctl.sv. */
#include "vm_memctl.h"

#include <string.h>

#include "../common/vm_bits.h"

/* The latency of an access to the line at word index `index` under the open-row model, which opens the
 * line's row in its bank; *hit says whether it was open already. */
static unsigned open_row(struct vm_memctl *m, uint64_t index, bool *hit)
{
    uint64_t addr = index * 8;
    unsigned bank = (unsigned)(addr >> m->row_shift) & ((1u << m->bank_bits) - 1);
    uint64_t row = addr >> (m->row_shift + m->bank_bits);
    *hit = m->bank_open[bank] && m->bank_row[bank] == row;
    m->bank_open[bank] = true;
    m->bank_row[bank] = row;
    return *hit ? m->row_hit : m->row_miss;
}

enum vm_memctl_row vm_memctl_step(struct vm_memctl *m, const struct vm_memctl_req *r)
{
    bool accept = r->valid && m->count == 0;
    enum vm_memctl_row row = VM_MEMCTL_ROW_NONE;
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
        if (m->row_open) {
            bool hit;
            m->count = open_row(m, index, &hit);
            row = hit ? VM_MEMCTL_ROW_HIT : VM_MEMCTL_ROW_MISS;
        }
    } else if (m->count) {
        m->count--;
    }
    m->rmw = accept && r->rmw;
    return row;
}
