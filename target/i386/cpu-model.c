/* SPDX-License-Identifier: GPL-2.0-or-later */
/* x86 CPU models: -cpu parsing, QEMU's feature names, the guest CPUID table. */
#include "qemu/osdep.h"
#include "target/i386/cpu.h"

typedef struct X86FeatureInfo {
    const char *name;
    uint32_t function, index;
    X86CPUIDReg reg;
    uint8_t bit;
} X86FeatureInfo;

#define F1D(n, b)   { n, 1, 0, CPUID_EDX, b }
#define F1C(n, b)   { n, 1, 0, CPUID_ECX, b }
#define F7B(n, b)   { n, 7, 0, CPUID_EBX, b }
#define F7C(n, b)   { n, 7, 0, CPUID_ECX, b }
#define F7D(n, b)   { n, 7, 0, CPUID_EDX, b }
#define FXD(n, b)   { n, 0x80000001, 0, CPUID_EDX, b }
#define FXC(n, b)   { n, 0x80000001, 0, CPUID_ECX, b }
#define FDA(n, b)   { n, 0xd, 1, CPUID_EAX, b }
#define FKVM(n, b)  { n, 0x40000001, 0, CPUID_EAX, b }

/* QEMU's property names (target/i386/cpu.c feature_word_info). */
static const X86FeatureInfo x86_features[] = {
    F1D("fpu", 0), F1D("vme", 1), F1D("de", 2), F1D("pse", 3),
    F1D("tsc", 4), F1D("msr", 5), F1D("pae", 6), F1D("mce", 7),
    F1D("cx8", 8), F1D("apic", 9), F1D("sep", 11), F1D("mtrr", 12),
    F1D("pge", 13), F1D("mca", 14), F1D("cmov", 15), F1D("pat", 16),
    F1D("pse36", 17), F1D("pn", 18), F1D("clflush", 19), F1D("ds", 21),
    F1D("acpi", 22), F1D("mmx", 23), F1D("fxsr", 24), F1D("sse", 25),
    F1D("sse2", 26), F1D("ss", 27), F1D("ht", 28), F1D("tm", 29),
    F1D("ia64", 30), F1D("pbe", 31),
    F1C("pni", 0), F1C("pclmulqdq", 1), F1C("dtes64", 2), F1C("monitor", 3),
    F1C("ds-cpl", 4), F1C("vmx", 5), F1C("smx", 6), F1C("est", 7),
    F1C("tm2", 8), F1C("ssse3", 9), F1C("cid", 10), F1C("fma", 12),
    F1C("cx16", 13), F1C("xtpr", 14), F1C("pdcm", 15), F1C("pcid", 17),
    F1C("dca", 18), F1C("sse4.1", 19), F1C("sse4.2", 20), F1C("x2apic", 21),
    F1C("movbe", 22), F1C("popcnt", 23), F1C("tsc-deadline", 24),
    F1C("aes", 25), F1C("xsave", 26), F1C("avx", 28), F1C("f16c", 29),
    F1C("rdrand", 30), F1C("hypervisor", 31),
    FXD("syscall", 11), FXD("nx", 20), FXD("mmxext", 22),
    FXD("fxsr-opt", 25), FXD("pdpe1gb", 26), FXD("rdtscp", 27),
    FXD("lm", 29), FXD("3dnowext", 30), FXD("3dnow", 31),
    FXC("lahf-lm", 0), FXC("cmp-legacy", 1), FXC("svm", 2),
    FXC("extapic", 3), FXC("cr8legacy", 4), FXC("abm", 5), FXC("sse4a", 6),
    FXC("misalignsse", 7), FXC("3dnowprefetch", 8), FXC("osvw", 9),
    FXC("ibs", 10), FXC("xop", 11), FXC("skinit", 12), FXC("wdt", 13),
    FXC("lwp", 15), FXC("fma4", 16), FXC("tce", 17), FXC("nodeid-msr", 19),
    FXC("tbm", 21), FXC("topoext", 22), FXC("perfctr-core", 23),
    FXC("perfctr-nb", 24),
    F7B("fsgsbase", 0), F7B("tsc-adjust", 1), F7B("bmi1", 3), F7B("hle", 4),
    F7B("avx2", 5), F7B("smep", 7), F7B("bmi2", 8), F7B("erms", 9),
    F7B("invpcid", 10), F7B("rtm", 11), F7B("mpx", 14), F7B("avx512f", 16),
    F7B("avx512dq", 17), F7B("rdseed", 18), F7B("adx", 19), F7B("smap", 20),
    F7B("avx512ifma", 21), F7B("clflushopt", 23), F7B("clwb", 24),
    F7B("avx512pf", 26), F7B("avx512er", 27), F7B("avx512cd", 28),
    F7B("sha-ni", 29), F7B("avx512bw", 30), F7B("avx512vl", 31),
    F7C("avx512vbmi", 1), F7C("umip", 2), F7C("pku", 3), F7C("waitpkg", 5),
    F7C("avx512vbmi2", 6), F7C("gfni", 8), F7C("vaes", 9),
    F7C("vpclmulqdq", 10), F7C("avx512vnni", 11), F7C("avx512bitalg", 12),
    F7C("avx512-vpopcntdq", 14), F7C("la57", 16), F7C("rdpid", 22),
    F7C("cldemote", 25), F7C("movdiri", 27), F7C("movdir64b", 28),
    F7D("avx512-4vnniw", 2), F7D("avx512-4fmaps", 3), F7D("fsrm", 4),
    F7D("md-clear", 10), F7D("serialize", 14), F7D("tsx-ldtrk", 16),
    F7D("pconfig", 18), F7D("arch-lbr", 19), F7D("amx-bf16", 22),
    F7D("avx512-fp16", 23), F7D("amx-tile", 24), F7D("amx-int8", 25),
    F7D("spec-ctrl", 26), F7D("stibp", 27), F7D("flush-l1d", 28),
    F7D("arch-capabilities", 29), F7D("core-capability", 30), F7D("ssbd", 31),
    FDA("xsaveopt", 0), FDA("xsavec", 1), FDA("xgetbv1", 2), FDA("xsaves", 3),
    { "invtsc", 0x80000007, 0, CPUID_EDX, 8 },
    FKVM("kvmclock", 0), FKVM("kvm-nopiodelay", 1), FKVM("kvm-mmu", 2),
    FKVM("kvmclock", 3), FKVM("kvm-asyncpf", 4), FKVM("kvm-steal-time", 5),
    FKVM("kvm-pv-eoi", 6), FKVM("kvm-pv-unhalt", 7),
    FKVM("kvm-pv-tlb-flush", 9), FKVM("kvm-asyncpf-vmexit", 10),
    FKVM("kvm-pv-ipi", 11), FKVM("kvm-poll-control", 12),
    FKVM("kvm-pv-sched-yield", 13), FKVM("kvm-asyncpf-int", 14),
    FKVM("kvm-msi-ext-dest-id", 15), FKVM("kvmclock-stable-bit", 24),
};

/* Old spellings QEMU still accepts. */
static const struct { const char *alias, *name; } x86_feature_aliases[] = {
    { "sse3", "pni" }, { "pclmuldq", "pclmulqdq" }, { "sse4-1", "sse4.1" },
    { "sse4-2", "sse4.2" }, { "xd", "nx" }, { "i64", "lm" },
    { "ffxsr", "fxsr-opt" },
};

/* The qemu64 model's feature words, plus what QEMU adds under KVM. */
static const struct { uint32_t function; X86CPUIDReg reg; uint32_t mask; }
qemu64_masks[] = {
    { 1, CPUID_EDX, 0x178bfbfd },   /* fpu de pse tsc msr pae mce cx8 apic
                                       sep mtrr pge mca cmov pat pse36
                                       clflush mmx fxsr sse sse2 ht */
    { 1, CPUID_ECX, 0x80202001 },   /* pni cx16 x2apic hypervisor */
    { 7, CPUID_EBX, 0 },
    { 7, CPUID_ECX, 0 },
    { 7, CPUID_EDX, 0 },
    { 0x80000001, CPUID_EDX, 0x20100800 },  /* syscall nx lm */
    { 0x80000001, CPUID_ECX, 0x00000001 },  /* lahf-lm */
    { 0x40000001, CPUID_EAX, 0x0100007b },  /* kvmclock nopiodelay asyncpf
                                               steal-time pv-eoi stable */
};

static X86CPUModel *current_model;

static uint32_t *cpuid_reg(X86CPUIDEntry *e, X86CPUIDReg reg)
{
    switch (reg) {
    case CPUID_EAX:
        return &e->eax;
    case CPUID_EBX:
        return &e->ebx;
    case CPUID_ECX:
        return &e->ecx;
    default:
        return &e->edx;
    }
}

/* "lahf_lm" -> "lahf-lm", aliases -> canonical name. */
static char *feature_canonical(const char *name)
{
    char *s = g_strdup(name);

    g_strdelimit(s, "_", '-');
    for (size_t i = 0; i < ARRAY_SIZE(x86_feature_aliases); i++) {
        if (!strcmp(s, x86_feature_aliases[i].alias)) {
            g_free(s);
            return g_strdup(x86_feature_aliases[i].name);
        }
    }
    return s;
}

static bool parse_bool(const char *val, bool *on)
{
    static const char *const yes[] = { "on", "yes", "true", "y" };
    static const char *const no[] = { "off", "no", "false", "n" };

    for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
        if (!strcmp(val, yes[i])) {
            *on = true;
            return true;
        }
        if (!strcmp(val, no[i])) {
            *on = false;
            return true;
        }
    }
    return false;
}

/* Append the edits for feature name (several bits for "kvmclock"). */
static bool add_edits(GArray *edits, const char *name, bool on)
{
    g_autofree char *canon = feature_canonical(name);
    bool found = false;

    for (size_t i = 0; i < ARRAY_SIZE(x86_features); i++) {
        const X86FeatureInfo *f = &x86_features[i];

        if (!strcmp(f->name, canon)) {
            X86FeatureEdit e = {
                .name = f->name, .function = f->function, .index = f->index,
                .reg = f->reg, .bit = f->bit, .on = on,
            };
            g_array_append_val(edits, e);
            found = true;
        }
    }
    return found;
}

/*
 * Boolean CPU properties management stacks pass (libvirt: migratable=on)
 * that change nothing in Ferry's CPUID: validated, then ignored.
 */
static bool is_ignored_prop(const char *name)
{
    static const char *const props[] = {
        "migratable", "check", "enforce", "pmu", "l3-cache", "host-phys-bits",
    };

    for (size_t i = 0; i < ARRAY_SIZE(props); i++) {
        if (!strcmp(name, props[i])) {
            return true;
        }
    }
    return false;
}

static bool feature_exists(const char *name)
{
    g_autoptr(GArray) tmp = g_array_new(false, false, sizeof(X86FeatureEdit));

    return add_edits(tmp, name, true);
}

void x86_cpu_model_free(X86CPUModel *m)
{
    if (m) {
        g_free(m->name);
        g_free(m->edits);
        g_free(m);
    }
}

/*
 * As QEMU: "feat=val" (and bare "feat") are applied first as global
 * properties, then every "+feat", then every "-feat".
 */
X86CPUModel *x86_cpu_model_parse(const char *str, Error **errp)
{
    g_auto(GStrv) parts = g_strsplit(str ? str : "qemu64", ",", -1);
    g_autoptr(GArray) globals = g_array_new(false, false,
                                            sizeof(X86FeatureEdit));
    g_autoptr(GArray) plus = g_array_new(false, false, sizeof(X86FeatureEdit));
    g_autoptr(GArray) minus = g_array_new(false, false,
                                          sizeof(X86FeatureEdit));
    g_autofree char *type = NULL;
    X86CPUModel *m;

    if (!parts[0]) {
        error_setg(errp, "unable to find CPU model ''");
        return NULL;
    }
    if (strcmp(parts[0], "host") && strcmp(parts[0], "max") &&
        strcmp(parts[0], "qemu64")) {
        error_setg(errp, "unable to find CPU model '%s'", parts[0]);
        return NULL;
    }
    type = g_strdup_printf("%s-x86_64-cpu", parts[0]);
    for (char **p = parts + 1; *p; p++) {
        const char *feat = *p;

        if (!*feat) {
            continue;
        }
        if (feat[0] == '+' || feat[0] == '-') {
            if (!add_edits(feat[0] == '+' ? plus : minus, feat + 1,
                           feat[0] == '+')) {
                error_setg(errp, "Property '%s.%s' not found", type, feat + 1);
                return NULL;
            }
        } else {
            g_autofree char *key = g_strdup(feat);
            char *eq = strchr(key, '=');
            const char *val = eq ? eq + 1 : "on";
            bool on;

            if (eq) {
                *eq = '\0';
            }
            g_strdelimit(key, "_", '-');
            if (!feature_exists(key) && !is_ignored_prop(key)) {
                error_setg(errp, "can't apply global %s.%s=%s: "
                           "Property '%s.%s' not found",
                           type, key, val, type, key);
                return NULL;
            }
            if (!parse_bool(val, &on)) {
                error_setg(errp, "can't apply global %s.%s=%s: "
                           "Invalid parameter type for '%s', "
                           "expected: boolean", type, key, val, key);
                return NULL;
            }
            if (!is_ignored_prop(key)) {
                add_edits(globals, key, on);
            }
        }
    }
    g_array_append_vals(globals, plus->data, plus->len);
    g_array_append_vals(globals, minus->data, minus->len);

    m = g_new0(X86CPUModel, 1);
    m->name = g_strdup(parts[0]);
    m->conservative = !strcmp(parts[0], "qemu64");
    m->nedits = globals->len;
    m->edits = (X86FeatureEdit *)g_array_steal(globals, NULL);
    return m;
}

const X86CPUModel *x86_cpu_model_current(void)
{
    return current_model;
}

void x86_cpu_model_set_current(X86CPUModel *m)
{
    if (m != current_model) {
        x86_cpu_model_free(current_model);
        current_model = m;
    }
}

const X86CPUIDEntry *x86_cpu_find_cpuid(const X86CPU *env, uint32_t function,
                                        uint32_t index)
{
    for (unsigned i = 0; i < env->ncpuid; i++) {
        const X86CPUIDEntry *e = &env->cpuid[i];

        if (e->function == function && (!e->indexed || e->index == index)) {
            return e;
        }
    }
    return NULL;
}

static X86CPUIDEntry *cpuid_get(GArray *t, uint32_t function, uint32_t index,
                                bool indexed)
{
    X86CPUIDEntry e = { .function = function, .index = index,
                        .indexed = indexed };

    for (guint i = 0; i < t->len; i++) {
        X86CPUIDEntry *p = &g_array_index(t, X86CPUIDEntry, i);

        if (p->function == function && (!p->indexed || p->index == index)) {
            return p;
        }
    }
    g_array_append_val(t, e);
    return &g_array_index(t, X86CPUIDEntry, t->len - 1);
}

static unsigned bits_for(unsigned count)
{
    unsigned bits = 0;

    while ((1u << bits) < count) {
        bits++;
    }
    return bits;
}

uint32_t x86_apic_id_from_index(unsigned index, unsigned cores,
                                unsigned threads)
{
    unsigned smt_shift, core_shift;

    cores = MAX(cores, 1);
    threads = MAX(threads, 1);
    smt_shift = bits_for(threads);
    core_shift = smt_shift + bits_for(cores);
    return ((index / (cores * threads)) << core_shift) |
           (((index / threads) % cores) << smt_shift) | (index % threads);
}

/* Topology leaves 0xB and 0x1F: SMT then core level. */
static void cpuid_set_topology(GArray *t, uint32_t leaf, uint32_t apic_id,
                               unsigned cores, unsigned threads)
{
    unsigned smt_shift = bits_for(threads);
    unsigned core_shift = smt_shift + bits_for(cores);
    X86CPUIDEntry *e;

    e = cpuid_get(t, leaf, 0, true);
    e->eax = smt_shift;
    e->ebx = threads;
    e->ecx = (1u << 8) | 0;
    e->edx = apic_id;
    e = cpuid_get(t, leaf, 1, true);
    e->eax = core_shift;
    e->ebx = cores * threads;
    e->ecx = (2u << 8) | 1;
    e->edx = apic_id;
    e = cpuid_get(t, leaf, 2, true);
    e->eax = e->ebx = 0;
    e->ecx = 2;
    e->edx = apic_id;
}

void x86_cpu_build_cpuid(X86CPU *env, const X86CPUIDEntry *host,
                         unsigned nhost, unsigned ncpus_total,
                         unsigned cores, unsigned threads)
{
    const X86CPUModel *m = env->model;
    g_autoptr(GArray) t = g_array_new(false, false, sizeof(X86CPUIDEntry));
    unsigned per_pkg;
    X86CPUIDEntry *e;

    cores = MAX(cores, 1);
    threads = MAX(threads, 1);
    per_pkg = cores * threads;
    for (unsigned i = 0; i < nhost; i++) {
        /* The topology leaves are rebuilt below. */
        if (host[i].function != 0xb && host[i].function != 0x1f) {
            g_array_append_val(t, host[i]);
        }
    }

    /* Leaf 1: APIC id, logical processors per package, hypervisor. */
    e = cpuid_get(t, 1, 0, false);
    e->ebx = (e->ebx & 0xffff) | (env->apic_id << 24) |
             ((1u << bits_for(per_pkg)) << 16);
    e->edx = per_pkg > 1 ? e->edx | (1u << 28) : e->edx & ~(1u << 28);
    e->ecx |= 1u << 31;
    /* Leaf 4: cores per package. */
    for (guint i = 0; i < t->len; i++) {
        X86CPUIDEntry *p = &g_array_index(t, X86CPUIDEntry, i);

        if (p->function == 4 && (p->eax & 0x1f)) {
            p->eax = (p->eax & 0x03ffc3ff) |
                     (((1u << bits_for(cores)) - 1) << 26) |
                     (((1u << bits_for(threads)) - 1) << 14);
        }
    }
    cpuid_set_topology(t, 0xb, env->apic_id, cores, threads);

    /* KVM paravirtual leaves. */
    e = cpuid_get(t, 0x40000000, 0, false);
    e->eax = 0x40000001;
    memcpy(&e->ebx, "KVMK", 4);
    memcpy(&e->ecx, "VMKV", 4);
    memcpy(&e->edx, "M\0\0\0", 4);
    cpuid_get(t, 0x40000001, 0, false);

    /* As QEMU's default migratable=on: a feature that cannot migrate
     * (invtsc) reaches the guest only when asked for (+invtsc). */
    for (guint i = 0; i < t->len; i++) {
        X86CPUIDEntry *p = &g_array_index(t, X86CPUIDEntry, i);

        if (p->function == 0x80000007) {
            p->edx &= ~(1u << 8);
        }
    }

    if (m && m->conservative) {
        for (size_t i = 0; i < ARRAY_SIZE(qemu64_masks); i++) {
            e = cpuid_get(t, qemu64_masks[i].function, 0,
                          qemu64_masks[i].function == 7);
            *cpuid_reg(e, qemu64_masks[i].reg) &= qemu64_masks[i].mask;
        }
    }
    for (unsigned i = 0; m && i < m->nedits; i++) {
        const X86FeatureEdit *ed = &m->edits[i];
        uint32_t *r;

        e = cpuid_get(t, ed->function, ed->index,
                      ed->function == 7 || ed->function == 0xd);
        r = cpuid_reg(e, ed->reg);
        *r = ed->on ? *r | (1u << ed->bit) : *r & ~(1u << ed->bit);
    }
    (void)ncpus_total;

    g_free(env->cpuid);
    env->ncpuid = t->len;
    env->cpuid = (X86CPUIDEntry *)g_array_steal(t, NULL);
}

void x86_cpu_list(GString *out)
{
    /* QEMU's "-cpu help" layout: models, then the recognized flags. */
    g_string_append(out, "Available CPUs:\n"
                    "x86 host                  KVM processor with all "
                    "supported host features\n"
                    "x86 max                   Enables all features "
                    "supported by the accelerator in the current host\n"
                    "x86 qemu64                QEMU Virtual CPU version "
                    "2.5+ (the default)\n\n"
                    "Recognized CPUID flags:\n ");
    for (size_t i = 0; i < ARRAY_SIZE(x86_features); i++) {
        g_string_append_printf(out, " %s", x86_features[i].name);
    }
    g_string_append_c(out, '\n');
}
