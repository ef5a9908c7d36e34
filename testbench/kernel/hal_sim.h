/* SPDX-License-Identifier: MIT */
/* The HAL on the simulated hardware (firmware/hal.h): the kernel runs as one coroutine per core (POSIX
 * ucontext, on its own stack); each HAL call becomes one driver action of that core (workloads/
 * workload_impl.h) and the coroutine sleeps until the hardware answers. So the kernel reads as plain
 * sequential C while every one of its loads, stores, CSR accesses and DMA commands is a real port
 * transaction, cycle for cycle, on every engine (lockstep included). */
#ifndef VM_HAL_SIM_H
#define VM_HAL_SIM_H

#include <stdbool.h>

#include "../../firmware/hal.h"
#include "../workloads/workload_impl.h"

struct hal_sim;

/* A HAL for `cores` cores; *out is the HAL the kernel uses. Returns NULL when memory is short. */
struct hal_sim *hal_sim_new(unsigned cores, struct fw_hal *out);
void hal_sim_free(struct hal_sim *s);

/* Starts fn(arg) as core `core`'s kernel activity; it runs from the next hal_sim_next of that core until
 * fn returns. Returns 0, or -1 when the core already has one. */
int hal_sim_start(struct hal_sim *s, unsigned core, void (*fn)(void *arg), void *arg);
/* True while core `core` has a kernel activity (started and not finished). */
bool hal_sim_active(const struct hal_sim *s, unsigned core);

/* The driver's side (a workload's next/response/result for a core with an activity): the action the
 * activity wants this cycle (VM_ACT_NONE while it waits for an answer); a port response; a read value
 * or DMA completion. */
void hal_sim_next(struct hal_sim *s, unsigned core, struct vm_action *a);
void hal_sim_response(struct hal_sim *s, unsigned core, const struct vm_core_obs *o);
void hal_sim_result(struct hal_sim *s, unsigned core, uint64_t value);

/* HAL calls served so far. */
uint64_t hal_sim_calls(const struct hal_sim *s);

#endif
