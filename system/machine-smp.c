/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -smp: [cpus=]N,sockets=,dies=,modules=,cores=,threads=,maxcpus=, with
 * QEMU's rules for filling in what is omitted (cores are preferred over
 * sockets, as in machine types since 6.2) and QEMU's error texts.
 */
#include "qemu/osdep.h"
#include "qemu/option.h"
#include "system/machine.h"
#include "hw/boards.h"

static QemuOptsList qemu_smp_opts = {
    .name = "smp-opts",
    .implied_opt_name = "cpus",
    .merge_lists = true,
    .desc = {
        { .name = "cpus", .type = QEMU_OPT_NUMBER },
        { .name = "maxcpus", .type = QEMU_OPT_NUMBER },
        { .name = "sockets", .type = QEMU_OPT_NUMBER },
        { .name = "dies", .type = QEMU_OPT_NUMBER },
        { .name = "modules", .type = QEMU_OPT_NUMBER },
        { .name = "clusters", .type = QEMU_OPT_NUMBER },
        { .name = "books", .type = QEMU_OPT_NUMBER },
        { .name = "drawers", .type = QEMU_OPT_NUMBER },
        { .name = "cores", .type = QEMU_OPT_NUMBER },
        { .name = "threads", .type = QEMU_OPT_NUMBER },
        { NULL }
    },
};

QemuOptsList *machine_smp_opts(void)
{
    return &qemu_smp_opts;
}

static char *hierarchy(unsigned sockets, unsigned dies, unsigned modules,
                       unsigned cores, unsigned threads)
{
    return g_strdup_printf("sockets (%u) * dies (%u) * modules (%u) * "
                           "cores (%u) * threads (%u)",
                           sockets, dies, modules, cores, threads);
}

bool machine_parse_smp(MachineState *ms, Error **errp)
{
    QemuOpts *opts = qemu_opts_find(&qemu_smp_opts, NULL);
    const MachineClass *mc = ms->mc;
    unsigned cpus, sockets, dies, modules, cores, threads, maxcpus, total;
    static const char *const unsupported[] = { "clusters", "books",
                                               "drawers" };

    if (!opts) {
        ms->smp_cpus = ms->max_cpus = 1;
        ms->sockets = ms->dies = ms->cores = ms->threads = 1;
        return true;
    }
    for (const char *const *k = (const char *const[]){ "cpus", "maxcpus",
             "sockets", "dies", "modules", "clusters", "books", "drawers",
             "cores", "threads", NULL }; *k; k++) {
        if (qemu_opt_has(opts, *k) && qemu_opt_get_number(opts, *k, 0) == 0) {
            error_setg(errp, "Invalid CPU topology: "
                       "CPU topology parameters must be greater than zero");
            return false;
        }
    }
    for (unsigned i = 0; i < ARRAY_SIZE(unsupported); i++) {
        if (qemu_opt_get_number(opts, unsupported[i], 1) > 1) {
            error_setg(errp, "%s > 1 not supported by this machine's CPU "
                       "topology", unsupported[i]);
            return false;
        }
    }
    cpus = qemu_opt_get_number(opts, "cpus", 0);
    maxcpus = qemu_opt_get_number(opts, "maxcpus", 0);
    sockets = qemu_opt_get_number(opts, "sockets", 0);
    dies = qemu_opt_get_number(opts, "dies", 1);
    modules = qemu_opt_get_number(opts, "modules", 1);
    cores = qemu_opt_get_number(opts, "cores", 0);
    threads = qemu_opt_get_number(opts, "threads", 0);

    if (cpus == 0 && maxcpus == 0) {
        sockets = sockets ? sockets : 1;
        cores = cores ? cores : 1;
        threads = threads ? threads : 1;
    } else {
        maxcpus = maxcpus ? maxcpus : cpus;
        if (cores == 0) {
            sockets = sockets ? sockets : 1;
            threads = threads ? threads : 1;
            cores = maxcpus / (sockets * dies * modules * threads);
        } else if (sockets == 0) {
            threads = threads ? threads : 1;
            sockets = maxcpus / (dies * modules * cores * threads);
        }
        if (threads == 0) {
            threads = maxcpus / (sockets * dies * modules * cores);
        }
    }
    total = sockets * dies * modules * cores * threads;
    maxcpus = maxcpus ? maxcpus : total;
    cpus = cpus ? cpus : maxcpus;

    if (total != maxcpus) {
        g_autofree char *topo = hierarchy(sockets, dies, modules, cores,
                                          threads);
        error_setg(errp, "Invalid CPU topology: product of the hierarchy "
                   "must match maxcpus: %s != maxcpus (%u)", topo, maxcpus);
        return false;
    }
    if (maxcpus < cpus) {
        g_autofree char *topo = hierarchy(sockets, dies, modules, cores,
                                          threads);
        error_setg(errp, "Invalid CPU topology: maxcpus must be equal to or "
                   "greater than smp: %s == maxcpus (%u) < smp_cpus (%u)",
                   topo, maxcpus, cpus);
        return false;
    }
    if (maxcpus > (unsigned)mc->max_cpus) {
        error_setg(errp, "Invalid SMP CPUs %u. The max CPUs supported by "
                   "machine '%s' is %d", maxcpus, mc->name, mc->max_cpus);
        return false;
    }
    if (cpus != maxcpus) {
        /* No CPU hotplug: refuse rather than ignore maxcpus. */
        error_setg(errp, "maxcpus (%u) greater than cpus (%u) needs CPU "
                   "hotplug, which machine '%s' does not support",
                   maxcpus, cpus, mc->name);
        return false;
    }
    ms->smp_cpus = cpus;
    ms->max_cpus = maxcpus;
    ms->sockets = sockets;
    ms->dies = dies;
    ms->cores = cores * modules;
    ms->threads = threads;
    return true;
}
