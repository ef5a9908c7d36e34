/* SPDX-License-Identifier: MIT */
/* Bit helpers shared by the model's blocks. */
#ifndef VM_BITS_MODEL_H
#define VM_BITS_MODEL_H

#include <stdint.h>

/* Byte strobes to a bit mask: bit b of strb becomes byte b of the mask. */
static inline uint64_t vm_strb_bits(uint8_t strb)
{
    uint64_t x = strb;
    x = (x | (x << 28)) & 0x0000000F0000000Full;
    x = (x | (x << 14)) & 0x0003000300030003ull;
    x = (x | (x << 7)) & 0x0101010101010101ull;
    return x * 0xFF;
}

#endif
