/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the x86 CPU model: -cpu parsing, CPUID, reset state, dump. */
#include "qemu/osdep.h"
#include "target/i386/cpu.h"

static char *parse_error(const char *str)
{
    Error *err = NULL;
    X86CPUModel *m = x86_cpu_model_parse(str, &err);
    char *msg;

    g_assert_null(m);
    g_assert_nonnull(err);
    msg = g_strdup(error_get_pretty(err));
    error_free(err);
    return msg;
}

static void test_model_errors(void)
{
    g_autofree char *e1 = parse_error("pentium9");
    g_autofree char *e2 = parse_error("host,foo=on");
    g_autofree char *e3 = parse_error("host,+foo");
    g_autofree char *e4 = parse_error("host,sse=maybe");
    g_autofree char *e5 = parse_error("host,migratable=maybe");
    g_autofree char *e6 = parse_error("");

    g_assert_cmpstr(e1, ==, "unable to find CPU model 'pentium9'");
    g_assert_cmpstr(e2, ==, "can't apply global host-x86_64-cpu.foo=on: "
                    "Property 'host-x86_64-cpu.foo' not found");
    g_assert_cmpstr(e3, ==, "Property 'host-x86_64-cpu.foo' not found");
    g_assert_cmpstr(e4, ==, "can't apply global host-x86_64-cpu.sse=maybe: "
                    "Invalid parameter type for 'sse', expected: boolean");
    g_assert_cmpstr(e5, ==, "can't apply global "
                    "host-x86_64-cpu.migratable=maybe: "
                    "Invalid parameter type for 'migratable', "
                    "expected: boolean");
    g_assert_cmpstr(e6, ==, "unable to find CPU model ''");
}

/* A small host table: leaf 0, 1, 7, 0x80000001, KVM leaves. */
static const X86CPUIDEntry fake_host[] = {
    { .function = 0, .eax = 0xd, .ebx = 0x756e6547 },
    { .function = 1, .eax = 0x906ea, .ecx = 0xfffa3223, .edx = 0x1f8bfbff },
    { .function = 7, .index = 0, .indexed = true, .ebx = 0x029c6fbf,
      .edx = 0x20000000 },
    { .function = 0x80000001, .ecx = 0x121, .edx = 0x2c100800 },
    { .function = 0x40000001, .eax = 0x01007afb },
};

static X86CPU *cpu_with_model(const char *str, unsigned index)
{
    X86CPU *env = x86_cpu_new(index);

    env->model = x86_cpu_model_parse(str, &error_abort);
    x86_cpu_build_cpuid(env, fake_host, G_N_ELEMENTS(fake_host), 4, 2, 2);
    return env;
}

static void free_cpu(X86CPU *env)
{
    x86_cpu_model_free(env->model);
    x86_cpu_free(env);
}

static bool has_bit(X86CPU *env, uint32_t fn, uint32_t idx, int reg, int bit)
{
    const X86CPUIDEntry *e = x86_cpu_find_cpuid(env, fn, idx);
    uint32_t v;

    g_assert_nonnull(e);
    v = reg == 0 ? e->eax : reg == 1 ? e->ebx : reg == 2 ? e->ecx : e->edx;
    return v & (1u << bit);
}

static void test_feature_edits(void)
{
    /* -arch-capabilities as needed on kvm_pvm; lahf_lm spelled old-style;
     * minus wins over "=on" as in QEMU. */
    X86CPU *env = cpu_with_model("host,-arch-capabilities,lahf_lm=off,"
                                 "avx=off,+x2apic,sse4.2=on,-sse4.2", 0);

    g_assert_false(has_bit(env, 7, 0, 3, 29));        /* arch-capabilities */
    g_assert_true(has_bit(env, 7, 0, 1, 5));          /* avx2 untouched */
    g_assert_false(has_bit(env, 0x80000001, 0, 2, 0)); /* lahf-lm */
    g_assert_false(has_bit(env, 1, 0, 2, 28));        /* avx */
    g_assert_false(has_bit(env, 1, 0, 2, 20));        /* sse4.2 */
    g_assert_true(has_bit(env, 1, 0, 2, 21));         /* x2apic */
    g_assert_true(has_bit(env, 1, 0, 2, 31));         /* hypervisor */
    free_cpu(env);

    /* libvirt's host-passthrough: accepted, changes nothing */
    env = cpu_with_model("host,migratable=on,enforce", 0);
    g_assert_true(has_bit(env, 7, 0, 3, 29));
    free_cpu(env);

    /* kvmclock names two bits (0 and 3) */
    env = cpu_with_model("host,kvmclock=off", 0);
    g_assert_false(has_bit(env, 0x40000001, 0, 0, 0));
    g_assert_false(has_bit(env, 0x40000001, 0, 0, 3));
    g_assert_true(has_bit(env, 0x40000001, 0, 0, 4));
    free_cpu(env);
}

static void test_qemu64_mask(void)
{
    X86CPU *env = cpu_with_model(NULL, 0);

    g_assert_cmpstr(env->model->name, ==, "qemu64");
    g_assert_false(has_bit(env, 7, 0, 1, 5));         /* no avx2 */
    g_assert_false(has_bit(env, 7, 0, 3, 29));        /* no arch-caps */
    g_assert_false(has_bit(env, 1, 0, 2, 28));        /* no avx */
    g_assert_true(has_bit(env, 1, 0, 3, 25));         /* sse */
    g_assert_true(has_bit(env, 0x80000001, 0, 3, 29)); /* lm */
    free_cpu(env);
}

static void test_cpuid_topology(void)
{
    /* 4 CPUs: 2 cores x 2 threads; CPU 3 = core 1, thread 1 */
    X86CPU *env = x86_cpu_new(3);
    const X86CPUIDEntry *e;

    env->apic_id = x86_apic_id_from_index(3, 2, 2);
    g_assert_cmpuint(env->apic_id, ==, 3);
    g_assert_cmpuint(x86_apic_id_from_index(4, 3, 1), ==, 5);
    g_assert_cmpuint(x86_apic_id_from_index(3, 3, 1), ==, 4); /* pkg 1 */
    x86_cpu_build_cpuid(env, fake_host, G_N_ELEMENTS(fake_host), 4, 2, 2);
    e = x86_cpu_find_cpuid(env, 1, 0);
    g_assert_cmpuint(e->ebx >> 24, ==, 3);
    g_assert_cmpuint((e->ebx >> 16) & 0xff, ==, 4);
    e = x86_cpu_find_cpuid(env, 0xb, 1);
    g_assert_cmpuint(e->ebx, ==, 4);
    g_assert_cmpuint(e->eax, ==, 2);
    g_assert_cmpuint(e->edx, ==, 3);
    e = x86_cpu_find_cpuid(env, 0x40000000, 0);
    g_assert_nonnull(e);
    g_assert_cmpint(memcmp(&e->ebx, "KVMK", 4), ==, 0);
    g_assert_cmpint(memcmp(&e->ecx, "VMKV", 4), ==, 0);
    x86_cpu_free(env);
}

/* What QEMU's "info registers" prints for a CPU just out of RESET. */
static const char reset_dump[] =
    "EAX=00000000 EBX=00000000 ECX=00000000 EDX=00000600\n"
    "ESI=00000000 EDI=00000000 EBP=00000000 ESP=00000000\n"
    "EIP=0000fff0 EFL=00000002 [-------] CPL=0 II=0 A20=1 SMM=0 HLT=0\n"
    "ES =0000 00000000 0000ffff 00009300\n"
    "CS =f000 ffff0000 0000ffff 00009b00\n"
    "SS =0000 00000000 0000ffff 00009300\n"
    "DS =0000 00000000 0000ffff 00009300\n"
    "FS =0000 00000000 0000ffff 00009300\n"
    "GS =0000 00000000 0000ffff 00009300\n"
    "LDT=0000 00000000 0000ffff 00008200\n"
    "TR =0000 00000000 0000ffff 00008b00\n"
    "GDT=     00000000 0000ffff\n"
    "IDT=     00000000 0000ffff\n"
    "CR0=60000010 CR2=00000000 CR3=00000000 CR4=00000000\n"
    "DR0=0000000000000000 DR1=0000000000000000 DR2=0000000000000000 "
    "DR3=0000000000000000 \n"
    "DR6=00000000ffff0ff0 DR7=0000000000000400\n"
    "EFER=0000000000000000\n";

static void test_reset_dump(void)
{
    X86CPU *env = x86_cpu_new(0);
    g_autoptr(GString) out = g_string_new(NULL);

    x86_cpu_reset(env, true);
    g_assert_cmpuint(env->mp_state, ==, X86_MP_STATE_RUNNABLE);
    g_assert_cmphex(env->apic_base, ==, 0xfee00900);
    x86_cpu_dump_env(env, false, out);
    g_assert_cmpstr(out->str, ==, reset_dump);

    /* An AP waits for INIT/SIPI with a non-BSP APIC. */
    x86_cpu_reset(env, false);
    g_assert_cmpuint(env->mp_state, ==, X86_MP_STATE_UNINITIALIZED);
    g_assert_cmphex(env->apic_base, ==, 0xfee00800);
    x86_cpu_free(env);
}

static void test_long_mode_dump(void)
{
    X86CPU *env = x86_cpu_new(0);
    g_autoptr(GString) out = g_string_new(NULL);

    x86_cpu_reset(env, true);
    env->efer = EFER_LMA | EFER_LME;
    env->cr[0] = CR0_PE_MASK | CR0_PG_MASK;
    env->segs[R_CS] = (SegmentCache) { 0x8, 0, 0xffffffff,
        DESC_P_MASK | DESC_S_MASK | DESC_CS_MASK | DESC_R_MASK | DESC_A_MASK |
        DESC_L_MASK | DESC_G_MASK };
    env->regs[R_R15] = 0x1122334455667788ULL;
    env->rip = 0xffffffff81000000ULL;
    env->rflags = 0x246;
    x86_cpu_dump_env(env, true, out);
    g_assert_true(g_str_has_prefix(out->str, "RAX=0000000000000000 RBX="));
    g_assert_nonnull(strstr(out->str, " R15=1122334455667788\n"));
    g_assert_nonnull(strstr(out->str, "RIP=ffffffff81000000 RFL=00000246 "
                            "[---Z-P-] CPL=0 II=0 A20=1 SMM=0 HLT=1\n"));
    g_assert_nonnull(strstr(out->str, "CS =0008 0000000000000000 ffffffff "
                            "00a09b00 DPL=0 CS64 [-RA]\n"));
    g_assert_nonnull(strstr(out->str, "TR =0000 0000000000000000 0000ffff "
                            "00008b00 DPL=0 TSS64-busy\n"));
    g_assert_nonnull(strstr(out->str, "GDT=     0000000000000000 0000ffff\n"));
    x86_cpu_free(env);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/x86-cpu/model-errors", test_model_errors);
    g_test_add_func("/x86-cpu/feature-edits", test_feature_edits);
    g_test_add_func("/x86-cpu/qemu64-mask", test_qemu64_mask);
    g_test_add_func("/x86-cpu/cpuid-topology", test_cpuid_topology);
    g_test_add_func("/x86-cpu/reset-dump", test_reset_dump);
    g_test_add_func("/x86-cpu/long-mode-dump", test_long_mode_dump);
    return g_test_run();
}
