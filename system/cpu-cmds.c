/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vCPUs from the monitor: query-cpus-fast, info cpus, info registers, system_reset. */
#include "qemu/osdep.h"
#include "monitor/hmp.h"
#include "hw/core/cpu.h"
#include "system/runstate.h"
#include "hw/boards.h"
#include "system/hostmem.h"
#include "target/i386/cpu.h"
#include "qapi/qapi-commands-machine.h"
#include "qapi/qapi-commands-run-state.h"

/* QEMU's QOM type name of the CPU model: "host-x86_64-cpu". */
static char *cpu_type_name(void)
{
    const char *model = current_machine && current_machine->cpu_model ?
                        current_machine->cpu_model : "host";
    size_t len = strcspn(model, ",");

    return g_strdup_printf("%.*s-x86_64-cpu", (int)len, model);
}

static CpuInstanceProperties *cpu_props(int index)
{
    CpuInstanceProperties *p = g_new0(CpuInstanceProperties, 1);
    const MachineState *ms = current_machine;
    unsigned threads = ms && ms->threads ? ms->threads : 1;
    unsigned cores = ms && ms->cores ? ms->cores : 1;
    unsigned dies = ms && ms->dies ? ms->dies : 1;

    p->has_socket_id = p->has_die_id = p->has_core_id = true;
    p->has_thread_id = true;
    p->thread_id = index % threads;
    p->core_id = (index / threads) % cores;
    p->die_id = (index / (threads * cores)) % dies;
    p->socket_id = index / (threads * cores * dies);
    return p;
}

CpuInfoFastList *qmp_query_cpus_fast(Error **errp)
{
    CpuInfoFastList *list = NULL, **tail = &list;
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        CpuInfoFast *info = g_new0(CpuInfoFast, 1);

        info->cpu_index = cpu->cpu_index;
        info->qom_type = cpu_type_name();
        info->qom_path = g_strdup_printf("/machine/unattached/device[%d]",
                                         cpu->cpu_index);
        info->thread_id = cpu->thread_id;
        info->target = SYS_EMU_TARGET_X86_64;
        info->props = cpu_props(cpu->cpu_index);
        QAPI_LIST_APPEND(tail, info);
    }
    return list;
}

void hmp_info_cpus(Monitor *mon, const HMPArgs *args)
{
    g_autoptr(CpuInfoFastList) list = qmp_query_cpus_fast(NULL);

    for (CpuInfoFastList *l = list; l; l = l->next) {
        /* The monitor's current CPU is CPU 0. */
        monitor_printf(mon, "%c CPU #%" PRId64 ": thread_id=%" PRId64 "\n",
                       l->value->cpu_index == 0 ? '*' : ' ',
                       l->value->cpu_index, l->value->thread_id);
    }
}

void hmp_info_registers(Monitor *mon, const HMPArgs *args)
{
    const char *which = hmp_arg_str(args, "cpustate");
    g_autoptr(GString) out = g_string_new(NULL);
    bool all = hmp_arg_flag(args, "cpustate_all");
    CPUState *cpu;

    if (which) {
        int64_t idx;

        if (qemu_strtoi64(which, NULL, 10, &idx) < 0 ||
            !qemu_get_cpu(idx)) {
            monitor_printf(mon, "CPU#%s not available\n", which);
            return;
        }
        cpu = qemu_get_cpu(idx);
        cpu_synchronize_state(cpu);
        x86_cpu_dump_state(cpu, out);
    } else if (all) {
        CPU_FOREACH(cpu) {
            g_string_append_printf(out, "\nCPU#%d\n", cpu->cpu_index);
            cpu_synchronize_state(cpu);
            x86_cpu_dump_state(cpu, out);
        }
    } else {
        cpu = qemu_get_cpu(0);
        if (!cpu) {
            monitor_printf(mon, "No CPU available\n");
            return;
        }
        cpu_synchronize_state(cpu);
        x86_cpu_dump_state(cpu, out);
    }
    monitor_puts(mon, out->str);
}

void hmp_system_reset(Monitor *mon, const HMPArgs *args)
{
    qmp_system_reset(NULL);
}

void hmp_info_ramblock(Monitor *mon, const HMPArgs *args)
{
    g_autoptr(GString) out = g_string_new(NULL);

    hmp_info_ramblock_print(out);
    monitor_puts(mon, out->str);
}
