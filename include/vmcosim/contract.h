/* SPDX-License-Identifier: MIT */
/* C view of the hardware/firmware contract (include/vmcosim/contract.def). */
#ifndef VMCOSIM_CONTRACT_H
#define VMCOSIM_CONTRACT_H

#define VM_DEF(group, name, value) VM_##group##_##name = (value),
enum vm_contract {
#include "contract.def"
};
#undef VM_DEF

#endif
