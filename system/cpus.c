/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vCPU objects and threads: create, pause/resume, kick, sync, reset; the BQL. */
#include "qemu/osdep.h"
#include "hw/core/cpu.h"
#include "hw/boards.h"
#include "system/accel-ops.h"
#include "target/i386/cpu.h"
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>

/* How long pause waits for the vCPUs before giving up, and re-kicks. */
#define PAUSE_TIMEOUT_NS   (10 * 1000000000LL)
#define PAUSE_REKICK_NS    (100 * 1000000LL)

CPUState **cpus;
unsigned ncpus;

/*
 * cpus_mutex guards the stop/stopped/quit/created/halted flags of every
 * CPUState; cpus_cond is broadcast whenever one of them changes.
 */
static pthread_mutex_t cpus_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cpus_cond = PTHREAD_COND_INITIALIZER;

static pthread_mutex_t bql = PTHREAD_MUTEX_INITIALIZER;
static __thread bool bql_held;

static CPUFatalHandler *fatal_handler;

void bql_lock(void)
{
    g_assert(!bql_held);
    pthread_mutex_lock(&bql);
    bql_held = true;
}

void bql_unlock(void)
{
    g_assert(bql_held);
    bql_held = false;
    pthread_mutex_unlock(&bql);
}

bool bql_locked(void)
{
    return bql_held;
}

void cpus_set_fatal_handler(CPUFatalHandler *fn)
{
    fatal_handler = fn;
}

CPUState *qemu_get_cpu(int index)
{
    return index >= 0 && (unsigned)index < ncpus ? cpus[index] : NULL;
}

static void cpus_broadcast(void)
{
    pthread_mutex_lock(&cpus_mutex);
    pthread_cond_broadcast(&cpus_cond);
    pthread_mutex_unlock(&cpus_mutex);
}

void qemu_cpu_kick(CPUState *cpu)
{
    const AccelOps *ops = current_accel();

    __atomic_store_n(&cpu->exit_request, true, __ATOMIC_SEQ_CST);
    if (ops && ops->vcpu_kick) {
        ops->vcpu_kick(cpu);
    }
    cpus_broadcast();
}

/* vCPU threads take only the IPI signal; the main loop handles the rest. */
static void vcpu_thread_block_signals(void)
{
    sigset_t set;

    sigfillset(&set);
    sigdelset(&set, SIGUSR1);
    sigdelset(&set, SIGSEGV);
    sigdelset(&set, SIGBUS);
    sigdelset(&set, SIGFPE);
    sigdelset(&set, SIGILL);
    sigdelset(&set, SIGABRT);
    pthread_sigmask(SIG_SETMASK, &set, NULL);
}

/* With cpus_mutex held: wait until something is asked of the thread. */
static void vcpu_wait(CPUState *cpu, bool for_kick)
{
    while (!cpu->stop && !cpu->quit &&
           !(for_kick && __atomic_load_n(&cpu->exit_request,
                                         __ATOMIC_SEQ_CST))) {
        pthread_cond_wait(&cpus_cond, &cpus_mutex);
    }
}

/* With cpus_mutex held; drops it around the BQL. */
static void vcpu_handle_excp(CPUState *cpu, int excp)
{
    pthread_mutex_unlock(&cpus_mutex);
    bql_lock();
    if (excp == EXCP_SHUTDOWN) {
        qemu_system_guest_reset_request();
    } else if (fatal_handler) {
        fatal_handler(cpu, excp);
    }
    bql_unlock();
    pthread_mutex_lock(&cpus_mutex);
}

/* ---- throttling (auto-converge) ---- */

#define THROTTLE_TIMESLICE_NS  (10 * 1000000LL)
#define THROTTLE_PCT_MIN       1
#define THROTTLE_PCT_MAX       99

static int throttle_percentage;         /* atomic; 0 = off */
static GMutex throttle_lock;
static GCond throttle_cond;
static GThread *throttle_thread;

static int64_t now_ns(void);

/* With cpus_mutex held: the vCPU sleeps its throttle share, or less if
 * it is paused or told to quit meanwhile. */
static void vcpu_throttle_sleep(CPUState *cpu)
{
    int64_t until = now_ns() + cpu->throttle_sleep_ns;

    cpu->throttle_sleep_ns = 0;
    while (!cpu->stop && !cpu->quit) {
        int64_t left = until - now_ns();
        struct timespec ts;
        int64_t abs_ns;

        if (left <= 0) {
            break;
        }
        clock_gettime(CLOCK_REALTIME, &ts);
        abs_ns = ts.tv_sec * 1000000000LL + ts.tv_nsec + left;
        ts.tv_sec = abs_ns / 1000000000LL;
        ts.tv_nsec = abs_ns % 1000000000LL;
        pthread_cond_timedwait(&cpus_cond, &cpus_mutex, &ts);
    }
}

/* Every timeslice/(1-P): ask each vCPU to sleep P/(1-P) timeslices. */
static gpointer throttle_thread_fn(gpointer opaque)
{
    g_mutex_lock(&throttle_lock);
    for (;;) {
        int pct = g_atomic_int_get(&throttle_percentage);
        double p = pct / 100.0;
        int64_t sleep_ns, period_ns;

        if (!pct) {
            g_cond_wait(&throttle_cond, &throttle_lock);
            continue;
        }
        sleep_ns = (int64_t)(p / (1 - p) * THROTTLE_TIMESLICE_NS);
        period_ns = (int64_t)(THROTTLE_TIMESLICE_NS / (1 - p));
        g_mutex_unlock(&throttle_lock);
        pthread_mutex_lock(&cpus_mutex);
        for (unsigned i = 0; i < ncpus; i++) {
            if (cpus[i]->created && !cpus[i]->stop) {
                cpus[i]->throttle_sleep_ns = sleep_ns;
            }
        }
        pthread_mutex_unlock(&cpus_mutex);
        for (unsigned i = 0; i < ncpus; i++) {
            if (cpus[i]->created && !cpus[i]->stop) {
                qemu_cpu_kick(cpus[i]);
            }
        }
        g_mutex_lock(&throttle_lock);
        g_cond_wait_until(&throttle_cond, &throttle_lock,
                          g_get_monotonic_time() + period_ns / 1000);
    }
    return NULL;
}

void cpu_throttle_set(int percent)
{
    percent = MAX(MIN(percent, THROTTLE_PCT_MAX), THROTTLE_PCT_MIN);
    g_mutex_lock(&throttle_lock);
    g_atomic_int_set(&throttle_percentage, percent);
    if (!throttle_thread) {
        throttle_thread = g_thread_new("cpu-throttle", throttle_thread_fn,
                                       NULL);
    }
    g_cond_broadcast(&throttle_cond);
    g_mutex_unlock(&throttle_lock);
}

void cpu_throttle_stop(void)
{
    g_mutex_lock(&throttle_lock);
    g_atomic_int_set(&throttle_percentage, 0);
    g_cond_broadcast(&throttle_cond);
    g_mutex_unlock(&throttle_lock);
}

int cpu_throttle_get_percentage(void)
{
    return g_atomic_int_get(&throttle_percentage);
}

/* With cpus_mutex held, paused: cpu_prefetch_all_states() asked. */
static void vcpu_get_own_state(CPUState *cpu)
{
    const AccelOps *ops = current_accel();
    Error *err = NULL;

    cpu->state_request = false;
    if (cpu->vcpu_dirty) {
        return;
    }
    cpu->state_busy = true;
    pthread_mutex_unlock(&cpus_mutex);
    if (!ops->get_state(cpu, &err)) {
        error_report_err(err);      /* cpu_synchronize_state() retries */
    } else {
        cpu->vcpu_dirty = true;
    }
    pthread_mutex_lock(&cpus_mutex);
    cpu->state_busy = false;
    pthread_cond_broadcast(&cpus_cond);
}

static void *vcpu_thread_fn(void *opaque)
{
    CPUState *cpu = opaque;
    const AccelOps *ops = current_accel();
    char name[16];
    bool parked = false;   /* after a triple fault or a fatal exit */

    vcpu_thread_block_signals();
    snprintf(name, sizeof(name), "CPU %d/KVM", cpu->cpu_index);
    pthread_setname_np(pthread_self(), name);

    pthread_mutex_lock(&cpus_mutex);
    cpu->thread_id = syscall(SYS_gettid);
    cpu->created = true;
    pthread_cond_broadcast(&cpus_cond);
    while (!cpu->quit) {
        int excp;

        if (cpu->stop) {
            cpu->stopped = true;
            pthread_cond_broadcast(&cpus_cond);
            while (cpu->stop && !cpu->quit) {
                if (cpu->state_request) {
                    vcpu_get_own_state(cpu);
                    continue;
                }
                pthread_cond_wait(&cpus_cond, &cpus_mutex);
            }
            cpu->state_request = false;
            cpu->stopped = false;
            parked = false;
            continue;
        }
        if (parked) {
            vcpu_wait(cpu, false);
            continue;
        }
        if (cpu->throttle_sleep_ns) {
            vcpu_throttle_sleep(cpu);
            continue;
        }
        pthread_mutex_unlock(&cpus_mutex);
        excp = ops->vcpu_exec(cpu);
        pthread_mutex_lock(&cpus_mutex);

        switch (excp) {
        case EXCP_HLT:
            cpu->halted = true;
            vcpu_wait(cpu, true);
            cpu->halted = false;
            break;
        case EXCP_SHUTDOWN:
        case EXCP_FATAL:
            parked = true;
            vcpu_handle_excp(cpu, excp);
            break;
        default:
            break;
        }
    }
    cpu->stopped = true;
    cpu->created = false;
    pthread_cond_broadcast(&cpus_cond);
    pthread_mutex_unlock(&cpus_mutex);
    return NULL;
}

static int64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* With cpus_mutex held: wait until every cpu in the set has stopped. */
static bool wait_stopped(CPUState **set, unsigned n)
{
    const AccelOps *ops = current_accel();
    int64_t deadline = now_ns() + PAUSE_TIMEOUT_NS;

    for (;;) {
        bool all = true;
        struct timespec ts;
        int64_t until;

        for (unsigned i = 0; i < n; i++) {
            if (set[i]->created && !set[i]->stopped) {
                all = false;
            }
        }
        if (all) {
            return true;
        }
        if (now_ns() >= deadline) {
            return false;
        }
        until = MIN(now_ns() + PAUSE_REKICK_NS, deadline);
        /* pthread_cond_timedwait takes CLOCK_REALTIME by default. */
        clock_gettime(CLOCK_REALTIME, &ts);
        until = until - now_ns() + ts.tv_sec * 1000000000LL + ts.tv_nsec;
        ts.tv_sec = until / 1000000000LL;
        ts.tv_nsec = until % 1000000000LL;
        if (pthread_cond_timedwait(&cpus_cond, &cpus_mutex, &ts) ==
            ETIMEDOUT) {
            for (unsigned i = 0; i < n; i++) {
                if (set[i]->created && !set[i]->stopped && ops) {
                    ops->vcpu_kick(set[i]);
                }
            }
        }
    }
}

static void pause_set(CPUState **set, unsigned n)
{
    const AccelOps *ops = current_accel();
    bool had_bql = bql_held;

    if (!n) {
        return;
    }
    /* A vCPU may be waiting for the BQL to finish an exit. */
    if (had_bql) {
        bql_unlock();
    }
    pthread_mutex_lock(&cpus_mutex);
    for (unsigned i = 0; i < n; i++) {
        set[i]->stop = true;
    }
    pthread_cond_broadcast(&cpus_cond);
    pthread_mutex_unlock(&cpus_mutex);
    for (unsigned i = 0; i < n; i++) {
        if (ops && ops->vcpu_kick) {
            ops->vcpu_kick(set[i]);
        }
    }
    pthread_mutex_lock(&cpus_mutex);
    if (!wait_stopped(set, n)) {
        warn_report("vCPUs did not pause within %lld seconds",
                    PAUSE_TIMEOUT_NS / 1000000000LL);
    }
    pthread_mutex_unlock(&cpus_mutex);
    if (had_bql) {
        bql_lock();
    }
}

void pause_all_vcpus(void)
{
    pause_set(cpus, ncpus);
}

void resume_all_vcpus(void)
{
    pthread_mutex_lock(&cpus_mutex);
    for (unsigned i = 0; i < ncpus; i++) {
        cpus[i]->stop = false;
    }
    pthread_cond_broadcast(&cpus_cond);
    pthread_mutex_unlock(&cpus_mutex);
}

bool all_vcpus_paused(void)
{
    bool all = true;

    pthread_mutex_lock(&cpus_mutex);
    for (unsigned i = 0; i < ncpus; i++) {
        if (cpus[i]->created && !cpus[i]->stopped) {
            all = false;
        }
    }
    pthread_mutex_unlock(&cpus_mutex);
    return all;
}

void cpu_prefetch_all_states(void)
{
    const AccelOps *ops = current_accel();

    if (!ops || !ops->get_state) {
        return;
    }
    pthread_mutex_lock(&cpus_mutex);
    for (unsigned i = 0; i < ncpus; i++) {
        CPUState *cpu = cpus[i];

        if (cpu->accel && cpu->created && cpu->stopped && !cpu->vcpu_dirty) {
            cpu->state_request = true;
        }
    }
    pthread_cond_broadcast(&cpus_cond);
    pthread_mutex_unlock(&cpus_mutex);
}

void cpu_synchronize_state(CPUState *cpu)
{
    const AccelOps *ops = current_accel();
    Error *err = NULL;
    bool running, dirty;

    if (!ops || !cpu->accel) {
        return;
    }
    pthread_mutex_lock(&cpus_mutex);
    /* a prefetch not begun is ours to do; one under way, we wait for */
    cpu->state_request = false;
    while (cpu->state_busy) {
        pthread_cond_wait(&cpus_cond, &cpus_mutex);
    }
    dirty = cpu->vcpu_dirty;
    running = cpu->created && !cpu->stop;
    pthread_mutex_unlock(&cpus_mutex);
    if (dirty) {
        return;
    }
    if (running) {
        /* Take a snapshot: stop this vCPU for the moment of the copy. */
        pause_set(&cpu, 1);
    }
    if (!ops->get_state(cpu, &err)) {
        error_report_err(err);
    } else if (!running) {
        /* Paused: arch is now the master copy, put before the next run. */
        cpu->vcpu_dirty = true;
    }
    if (running) {
        pthread_mutex_lock(&cpus_mutex);
        cpu->stop = false;
        pthread_cond_broadcast(&cpus_cond);
        pthread_mutex_unlock(&cpus_mutex);
    }
}

void cpu_reset(CPUState *cpu)
{
    const AccelOps *ops = current_accel();
    Error *err = NULL;

    x86_cpu_reset(cpu->arch, cpu->cpu_index == 0);
    cpu->halted = false;
    cpu->vcpu_dirty = true;
    if (ops && cpu->accel) {
        if (ops->put_state(cpu, &err)) {
            cpu->vcpu_dirty = false;
        } else {
            error_report_err(err);
        }
    }
}

static void cpu_free(CPUState *cpu)
{
    const AccelOps *ops = current_accel();

    if (cpu->accel && ops && ops->vcpu_destroy) {
        ops->vcpu_destroy(cpu);
    }
    x86_cpu_free(cpu->arch);
    g_free(cpu);
}

static void cpus_topology(unsigned n, unsigned *cores, unsigned *threads)
{
    const MachineState *ms = current_machine;

    *threads = ms && ms->threads ? ms->threads : 1;
    *cores = ms && ms->cores ? ms->cores * MAX(ms->dies, 1)
                             : (n + *threads - 1) / *threads;
}

bool cpus_create(unsigned n, Error **errp)
{
    const AccelOps *ops = current_accel();
    X86CPUModel *model;
    unsigned cores, threads;

    if (!ops) {
        error_setg(errp, "vCPUs need an accelerator: use -accel kvm");
        return false;
    }
    if (ncpus) {
        error_setg(errp, "vCPUs already exist");
        return false;
    }
    if (!x86_cpu_model_current()) {
        model = x86_cpu_model_parse(current_machine ?
                                    current_machine->cpu_model : NULL, errp);
        if (!model) {
            return false;
        }
        x86_cpu_model_set_current(model);
    }
    model = (X86CPUModel *)x86_cpu_model_current();
    cpus_topology(n, &cores, &threads);

    cpus = g_new0(CPUState *, n);
    for (unsigned i = 0; i < n; i++) {
        CPUState *cpu = g_new0(CPUState, 1);

        cpu->cpu_index = i;
        cpu->stop = true;
        cpu->nr_cores = cores;
        cpu->nr_threads = threads;
        cpu->arch = x86_cpu_new(i);
        cpu->arch->apic_id = x86_apic_id_from_index(i, cores, threads);
        cpu->arch->model = model;
        cpus[i] = cpu;
        ncpus = i + 1;
        if (!ops->vcpu_init(cpu, errp)) {
            cpus_destroy();
            return false;
        }
        cpu_reset(cpu);
    }
    for (unsigned i = 0; i < n; i++) {
        CPUState *cpu = cpus[i];
        int ret = pthread_create(&cpu->thread, NULL, vcpu_thread_fn, cpu);

        if (ret) {
            error_setg_errno(errp, ret, "cannot create the thread of CPU %u",
                             i);
            cpus_destroy();
            return false;
        }
        pthread_mutex_lock(&cpus_mutex);
        while (!cpu->created) {
            pthread_cond_wait(&cpus_cond, &cpus_mutex);
        }
        pthread_mutex_unlock(&cpus_mutex);
    }
    return true;
}

void cpus_destroy(void)
{
    const AccelOps *ops = current_accel();

    for (unsigned i = 0; i < ncpus; i++) {
        CPUState *cpu = cpus[i];

        if (cpu->thread) {
            pthread_mutex_lock(&cpus_mutex);
            cpu->quit = true;
            pthread_cond_broadcast(&cpus_cond);
            pthread_mutex_unlock(&cpus_mutex);
            if (ops && ops->vcpu_kick) {
                ops->vcpu_kick(cpu);
            }
            pthread_join(cpu->thread, NULL);
        }
        cpu_free(cpu);
    }
    g_free(cpus);
    cpus = NULL;
    ncpus = 0;
}
