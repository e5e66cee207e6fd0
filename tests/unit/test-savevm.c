/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the savevm stream: layout, round trip, refusals. */
#include "qemu/osdep.h"
#include <json-glib/json-glib.h>
#include "hw/boards.h"
#include "system/machine.h"
#include "migration/qemu-file.h"
#include "migration/register.h"
#include "migration/vmstate.h"
#include "migration/savevm.h"

static const MachineClass test_mc = { .name = "microvm" };
static const MachineClass other_mc = { .name = "pc" };
static MachineState test_ms = { .mc = &test_mc };

/* ---- two fake devices ---- */

typedef struct Uart {
    uint8_t regs[8];
    uint32_t baud;
    bool fifo_on;
    uint16_t fifo_level;
} Uart;

static bool uart_fifo_needed(void *opaque)
{
    return ((Uart *)opaque)->fifo_on;
}

static const VMStateDescription vmstate_uart_fifo = {
    .name = "uart/fifo",
    .version_id = 1,
    .needed = uart_fifo_needed,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT16(fifo_level, Uart),
        VMSTATE_END_OF_LIST()
    },
};

static const VMStateDescription vmstate_uart = {
    .name = "uart",
    .version_id = 2,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT8_ARRAY(regs, Uart, 8),
        VMSTATE_UINT32(baud, Uart),
        VMSTATE_BOOL(fifo_on, Uart),
        VMSTATE_END_OF_LIST()
    },
    .subsections = (const VMStateDescription * const[]) {
        &vmstate_uart_fifo,
        NULL
    },
};

typedef struct Timer {
    int64_t expiry;
    uint32_t count;
} Timer;

static const VMStateDescription vmstate_timer = {
    .name = "timer",
    .version_id = 1,
    .priority = MIG_PRI_APIC,   /* saved before the default-priority uart */
    .fields = (const VMStateField[]) {
        VMSTATE_INT64(expiry, Timer),
        VMSTATE_UINT32(count, Timer),
        VMSTATE_END_OF_LIST()
    },
};

/* ---- a fake iterable section: 8 words, 3 per round ---- */

#define FAKE_WORDS 8
#define FAKE_EOS   0x10

typedef struct FakeRam {
    uint64_t words[FAKE_WORDS];
    int next;                   /* source: next word to send */
    int iterations;
    bool cleaned_up;
    bool load_setup_ran, load_cleanup_ran;
} FakeRam;

static void fake_send(QEMUFile *f, FakeRam *r, int max)
{
    for (int i = 0; i < max && r->next < FAKE_WORDS; i++, r->next++) {
        qemu_put_be64(f, ((uint64_t)r->next << 8) | 0x08);
        qemu_put_be64(f, r->words[r->next]);
    }
    qemu_put_be64(f, FAKE_EOS);
}

static int fake_save_setup(QEMUFile *f, void *opaque, Error **errp)
{
    FakeRam *r = opaque;

    r->next = 0;
    r->iterations = 0;
    qemu_put_be64(f, FAKE_EOS);
    return 0;
}

static int fake_iterate(QEMUFile *f, void *opaque)
{
    FakeRam *r = opaque;

    r->iterations++;
    fake_send(f, r, 3);
    return r->next == FAKE_WORDS;
}

static int fake_complete(QEMUFile *f, void *opaque)
{
    fake_send(f, opaque, FAKE_WORDS);
    return 0;
}

static void fake_pending(void *opaque, uint64_t *must, uint64_t *can)
{
    *must += (FAKE_WORDS - ((FakeRam *)opaque)->next) * 8;
}

static void fake_cleanup(void *opaque)
{
    ((FakeRam *)opaque)->cleaned_up = true;
}

static int fake_load_setup(QEMUFile *f, void *opaque, Error **errp)
{
    ((FakeRam *)opaque)->load_setup_ran = true;
    return 0;
}

static int fake_load(QEMUFile *f, void *opaque, int version_id)
{
    FakeRam *r = opaque;

    for (;;) {
        uint64_t rec = qemu_get_be64(f);

        if (qemu_file_get_error(f)) {
            return qemu_file_get_error(f);
        }
        if (rec == FAKE_EOS) {
            return 0;
        }
        if ((rec & 0xff) != 0x08 || (rec >> 8) >= FAKE_WORDS) {
            return -EINVAL;
        }
        r->words[rec >> 8] = qemu_get_be64(f);
    }
}

static int fake_load_cleanup(void *opaque)
{
    ((FakeRam *)opaque)->load_cleanup_ran = true;
    return 0;
}

static const SaveVMHandlers fake_ram_ops = {
    .save_setup = fake_save_setup,
    .save_live_iterate = fake_iterate,
    .save_live_complete_precopy = fake_complete,
    .state_pending_estimate = fake_pending,
    .state_pending_exact = fake_pending,
    .save_cleanup = fake_cleanup,
    .load_setup = fake_load_setup,
    .load_state = fake_load,
    .load_cleanup = fake_load_cleanup,
};

static Uart uart0, uart1;
static Timer timer0;
static FakeRam fakeram;

static void devices_fill(void)
{
    for (int i = 0; i < 8; i++) {
        uart0.regs[i] = i + 1;
        uart1.regs[i] = 0x80 + i;
    }
    uart0.baud = 115200;
    uart0.fifo_on = true;
    uart0.fifo_level = 14;
    uart1.baud = 9600;
    uart1.fifo_on = false;
    uart1.fifo_level = 99;
    timer0.expiry = -123456789;
    timer0.count = 77;
    for (int i = 0; i < FAKE_WORDS; i++) {
        fakeram.words[i] = 0x1111111111111111ULL * (i + 1);
    }
}

static void devices_clear(void)
{
    memset(&uart0, 0, sizeof(uart0));
    memset(&uart1, 0, sizeof(uart1));
    memset(&timer0, 0, sizeof(timer0));
    memset(&fakeram, 0, sizeof(fakeram));
}

/* ---- helpers ---- */

static GByteArray *save_stream(void)
{
    GByteArray *buf = g_byte_array_new();
    QEMUFile *f = qemu_file_new_output_buffer(buf);
    uint64_t must = 0, can = 0;
    int ret;

    qemu_savevm_state_header(f);
    g_assert_cmpint(qemu_savevm_state_setup(f, &error_abort), ==, 0);
    qemu_savevm_state_pending_exact(&must, &can);
    g_assert_cmpuint(must, ==, FAKE_WORDS * 8);
    do {
        ret = qemu_savevm_state_iterate(f);
        g_assert_cmpint(ret, >=, 0);
    } while (ret == 0);
    g_assert_cmpint(qemu_savevm_state_complete_precopy(f), ==, 0);
    qemu_savevm_state_cleanup();
    g_assert_true(fakeram.cleaned_up);
    g_assert_cmpint(qemu_fclose(f), ==, 0);
    return buf;
}

static int load_stream(const uint8_t *data, size_t len, Error **errp)
{
    QEMUFile *f = qemu_file_new_input_buffer(data, len);
    int ret = qemu_loadvm_state(f, errp);

    qemu_fclose(f);
    return ret;
}

static void assert_load_fails(GByteArray *buf, const char *msg)
{
    Error *err = NULL;

    g_assert_cmpint(load_stream(buf->data, buf->len, &err), <, 0);
    g_assert_nonnull(err);
    if (!g_str_has_prefix(error_get_pretty(err), msg)) {
        g_test_message("got: %s", error_get_pretty(err));
    }
    g_assert_true(g_str_has_prefix(error_get_pretty(err), msg));
    error_free(err);
}

static uint32_t be32_at(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
}

/* ---- tests ---- */

static void test_roundtrip(void)
{
    GByteArray *buf;
    Uart u0, u1;
    Timer t0;
    FakeRam r;

    devices_fill();
    u0 = uart0;
    u1 = uart1;
    t0 = timer0;
    r = fakeram;
    buf = save_stream();
    g_assert_cmpint(fakeram.iterations, ==, 3);

    devices_clear();
    uart1.fifo_level = 99;      /* no fifo subsection: left alone */
    g_assert_cmpint(load_stream(buf->data, buf->len, &error_abort), ==, 0);
    g_assert_cmpmem(&uart0, sizeof(Uart), &u0, sizeof(Uart));
    g_assert_cmpmem(&uart1, sizeof(Uart), &u1, sizeof(Uart));
    g_assert_cmpmem(&timer0, sizeof(Timer), &t0, sizeof(Timer));
    g_assert_cmpmem(fakeram.words, sizeof(r.words), r.words, sizeof(r.words));
    g_assert_true(fakeram.load_setup_ran);
    g_assert_true(fakeram.load_cleanup_ran);
    g_byte_array_free(buf, TRUE);
}

/* The stream as QEMU writes it, byte for byte where it is fixed. */
static void test_layout(void)
{
    GByteArray *buf;
    const uint8_t *p;
    static const uint8_t head[] = {
        'Q', 'E', 'V', 'M', 0, 0, 0, 3,
        0x07, 0, 0, 0, 7, 'm', 'i', 'c', 'r', 'o', 'v', 'm',
        /* START of "fakeram" (registered first: section id 0), v4 */
        0x01, 0, 0, 0, 0, 7, 'f', 'a', 'k', 'e', 'r', 'a', 'm',
        0, 0, 0, 0, 0, 0, 0, 4,
        0, 0, 0, 0, 0, 0, 0, 0x10,          /* setup data: EOS */
        0x7e, 0, 0, 0, 0,                   /* footer */
        0x02, 0, 0, 0, 0,                   /* first PART */
    };
    size_t vmdesc_len;
    const uint8_t *tail, *sw;
    JsonParser *parser = json_parser_new();
    JsonObject *root, *dev;
    JsonArray *devices;
    GError *gerr = NULL;

    devices_fill();
    buf = save_stream();
    g_assert_cmpmem(buf->data, sizeof(head), head, sizeof(head));

    /* SWITCHOVER_START precedes the END section. */
    sw = memmem(buf->data, buf->len, "\x08\x00\x0b\x00\x00\x03", 6);
    g_assert_nonnull(sw);

    /* The vmdesc is the tail, found as analyze-migration.py finds it. */
    p = memrchr(buf->data, 0, buf->len);
    g_assert_nonnull(p);
    tail = memchr(p, '{', buf->data + buf->len - p);
    g_assert_nonnull(tail);
    g_assert_cmpuint(tail[-5], ==, 0x06);
    g_assert_cmpuint(tail[-6], ==, 0x00);  /* EOF */
    vmdesc_len = be32_at(tail - 4);
    g_assert_cmpuint(tail + vmdesc_len - buf->data, ==, buf->len);

    g_assert_true(json_parser_load_from_data(parser, (const char *)tail,
                                             vmdesc_len, &gerr));
    root = json_node_get_object(json_parser_get_root(parser));
    g_assert_cmpint(json_object_get_int_member(root, "page_size"), ==, 4096);
    g_assert_true(json_object_has_member(root, "configuration"));
    devices = json_object_get_array_member(root, "devices");
    /* FULL sections only, by priority then registration: timer, uarts. */
    g_assert_cmpuint(json_array_get_length(devices), ==, 3);
    dev = json_array_get_object_element(devices, 0);
    g_assert_cmpstr(json_object_get_string_member(dev, "name"), ==, "timer");
    dev = json_array_get_object_element(devices, 2);
    g_assert_cmpstr(json_object_get_string_member(dev, "name"), ==, "uart");
    g_assert_cmpint(json_object_get_int_member(dev, "instance_id"), ==, 1);
    g_assert_cmpstr(json_object_get_string_member(dev, "vmsd_name"), ==,
                    "uart");
    g_assert_true(json_object_has_member(dev, "fields"));
    dev = json_array_get_object_element(devices, 1);
    g_assert_true(json_object_has_member(dev, "subsections"));
    g_object_unref(parser);
    g_byte_array_free(buf, TRUE);
}

static void test_bad_header(void)
{
    GByteArray *buf;

    devices_fill();
    buf = save_stream();
    buf->data[0] = 'X';
    assert_load_fails(buf, "Not a migration stream");
    buf->data[0] = 'Q';
    buf->data[7] = 2;
    assert_load_fails(buf, "SaveVM v2 format is obsolete and don't work "
                      "anymore");
    buf->data[7] = 4;
    assert_load_fails(buf, "Unsupported migration stream version");
    buf->data[7] = 3;
    buf->data[8] = 0x01;
    assert_load_fails(buf, "Configuration section missing");
    g_byte_array_free(buf, TRUE);
}

static void test_machine_mismatch(void)
{
    GByteArray *buf;

    devices_fill();
    buf = save_stream();
    test_ms.mc = &other_mc;
    assert_load_fails(buf, "Machine type received is 'microvm' and local "
                      "is 'pc'");
    test_ms.mc = &test_mc;
    g_byte_array_free(buf, TRUE);
}

static void test_unknown_section(void)
{
    GByteArray *buf;

    devices_fill();
    buf = save_stream();
    vmstate_unregister(&vmstate_timer, &timer0);
    assert_load_fails(buf, "Unknown savevm section or instance 'timer' 0");
    g_assert_cmpint(vmstate_register(NULL, 0, &vmstate_timer, &timer0), ==,
                    0);
    g_byte_array_free(buf, TRUE);
}

static void test_unsupported_version(void)
{
    GByteArray *buf;
    uint8_t *p;

    devices_fill();
    buf = save_stream();
    /* The first uart FULL section: "uart", instance 0, version 2 -> 9. */
    p = memmem(buf->data, buf->len, "\x04uart\x00\x00\x00\x00\x00\x00\x00\x02",
               13);
    g_assert_nonnull(p);
    p[12] = 9;
    assert_load_fails(buf, "savevm: unsupported version 9 for 'uart' v2");
    g_byte_array_free(buf, TRUE);
}

static void test_bad_footer(void)
{
    GByteArray *buf;
    uint8_t *p;

    devices_fill();
    buf = save_stream();
    p = memmem(buf->data, buf->len, "\x7e\x00\x00\x00\x00", 5);
    g_assert_nonnull(p);
    p[4] = 0x42;
    assert_load_fails(buf, "Mismatched section id in footer for fakeram");
    p[4] = 0;
    p[0] = 0x7d;
    assert_load_fails(buf, "Missing section footer for fakeram");
    g_byte_array_free(buf, TRUE);
}

/* Every truncation fails with an error; none crashes. */
static void test_truncated(void)
{
    GByteArray *buf;

    devices_fill();
    buf = save_stream();
    for (guint len = 0; len < buf->len; len++) {
        Error *err = NULL;

        g_assert_cmpint(load_stream(buf->data, len, &err), <, 0);
        g_assert_nonnull(err);
        error_free(err);
    }
    g_byte_array_free(buf, TRUE);
}

/* Is byte i part of the framing: header, configuration, a footer, EOF? */
static bool is_framing(GByteArray *buf, guint i)
{
    const uint8_t *eof = memrchr(buf->data, 0, buf->len);
    const uint8_t *tail = memchr(eof, '{', buf->data + buf->len - eof);

    if (i < 20 || buf->data + i == tail - 6) {
        return true;
    }
    /* footers: 0x7e, be32 section id (all ids here are < 256) */
    for (guint j = i >= 4 ? i - 4 : 0; j <= i; j++) {
        if (buf->data[j] == 0x7e && j + 5 <= buf->len &&
            !memcmp(buf->data + j + 1, "\0\0\0", 3) &&
            buf->data[j + 4] < 8 && j + 5 < buf->len &&
            (buf->data[j + 5] <= 0x08)) {
            return true;
        }
    }
    return false;
}

/* Flipping any byte never crashes; flips in the framing are refused. */
static void test_flipped(void)
{
    GByteArray *buf;
    guint failures = 0, framing = 0;

    devices_fill();
    buf = save_stream();
    for (guint i = 0; i < buf->len; i++) {
        GByteArray *copy = g_byte_array_sized_new(buf->len);
        Error *err = NULL;
        int ret;

        g_byte_array_append(copy, buf->data, buf->len);
        copy->data[i] ^= 0xff;
        ret = load_stream(copy->data, copy->len, &err);
        g_assert_true((ret < 0) == (err != NULL));
        if (ret < 0) {
            failures++;
        }
        if (is_framing(buf, i)) {
            framing++;
            if (ret >= 0) {
                g_test_message("flip at %u accepted", i);
            }
            g_assert_cmpint(ret, <, 0);
        }
        error_free(err);
        g_byte_array_free(copy, TRUE);
    }
    g_test_message("%u of %u flips refused; %u framing bytes", failures,
                   buf->len, framing);
    g_assert_cmpuint(framing, >, 20 + 5 * 6);
    g_byte_array_free(buf, TRUE);
}

static const VMStateDescription vmstate_blocker = {
    .name = "blocker-dev",
    .unmigratable = true,
};

static void test_blocked(void)
{
    int dummy, other;
    strList *reasons = NULL;
    Error *err = NULL;

    g_assert_false(qemu_savevm_state_blocked(&error_abort));
    g_assert_cmpint(vmstate_register(NULL, VMSTATE_INSTANCE_ID_ANY,
                                     &vmstate_blocker, &dummy), ==, 0);
    g_assert_true(qemu_savevm_state_blocked(&err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "State blocked by non-migratable device 'blocker-dev'");
    error_free(err);
    /* query-migrate lists every one, as QEMU's blocked-reasons */
    g_assert_cmpint(vmstate_register(NULL, VMSTATE_INSTANCE_ID_ANY,
                                     &vmstate_blocker, &other), ==, 0);
    qemu_savevm_non_migratable_list(&reasons);
    g_assert_nonnull(reasons);
    g_assert_nonnull(reasons->next);
    g_assert_null(reasons->next->next);
    g_assert_cmpstr(reasons->value, ==, "non-migratable device: blocker-dev");
    g_assert_cmpstr(reasons->next->value, ==,
                    "non-migratable device: blocker-dev");
    qapi_free_strList(reasons);
    vmstate_unregister(&vmstate_blocker, &other);
    vmstate_unregister(&vmstate_blocker, &dummy);
    g_assert_false(qemu_savevm_state_blocked(&error_abort));
    reasons = NULL;
    qemu_savevm_non_migratable_list(&reasons);
    g_assert_null(reasons);
}

static void test_duplicate_instance(void)
{
    Uart extra;

    g_assert_cmpint(vmstate_register(NULL, 1, &vmstate_uart, &extra), ==,
                    -1);
    vmstate_unregister(&vmstate_uart, &extra);
}

static void test_dump_json(void)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    JsonParser *parser = json_parser_new();
    JsonObject *root, *uart, *desc;
    JsonArray *fields;
    GError *gerr = NULL;

    vmstate_dump_json(f);
    fclose(f);
    g_assert_true(json_parser_load_from_data(parser, out, len, &gerr));
    root = json_node_get_object(json_parser_get_root(parser));
    g_assert_cmpstr(json_object_get_string_member(
                        json_object_get_object_member(root, "vmschkmachine"),
                        "Name"), ==, "microvm");
    uart = json_object_get_object_member(root, "uart");
    g_assert_nonnull(uart);
    g_assert_cmpint(json_object_get_int_member(uart, "version_id"), ==, 2);
    desc = json_object_get_object_member(uart, "Description");
    g_assert_cmpstr(json_object_get_string_member(desc, "name"), ==, "uart");
    fields = json_object_get_array_member(desc, "Fields");
    g_assert_cmpuint(json_array_get_length(fields), ==, 3);
    g_assert_cmpint(json_object_get_int_member(
                        json_array_get_object_element(fields, 0), "num"),
                    ==, 8);
    g_assert_cmpuint(json_array_get_length(
                     json_object_get_array_member(desc, "Subsections")), ==,
                     1);
    g_assert_true(json_object_has_member(root, "timer"));
    g_assert_false(json_object_has_member(root, "fakeram"));
    g_object_unref(parser);
    free(out);
}

static void test_savevm_state_whole(void)
{
    GByteArray *buf = g_byte_array_new();
    QEMUFile *f = qemu_file_new_output_buffer(buf);
    Uart u0;

    devices_fill();
    u0 = uart0;
    g_assert_cmpint(qemu_savevm_state(f, &error_abort), ==, 0);
    qemu_fclose(f);
    devices_clear();
    g_assert_cmpint(load_stream(buf->data, buf->len, &error_abort), ==, 0);
    g_assert_cmpmem(&uart0, sizeof(Uart), &u0, sizeof(Uart));
    g_byte_array_free(buf, TRUE);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    current_machine = &test_ms;
    g_assert_cmpint(register_savevm_live("fakeram", 0, 4, &fake_ram_ops,
                                         &fakeram), ==, 0);
    g_assert_cmpint(vmstate_register(NULL, VMSTATE_INSTANCE_ID_ANY,
                                     &vmstate_uart, &uart0), ==, 0);
    g_assert_cmpint(vmstate_register(NULL, VMSTATE_INSTANCE_ID_ANY,
                                     &vmstate_uart, &uart1), ==, 0);
    g_assert_cmpint(vmstate_register(NULL, 0, &vmstate_timer, &timer0), ==,
                    0);

    g_test_add_func("/savevm/roundtrip", test_roundtrip);
    g_test_add_func("/savevm/layout", test_layout);
    g_test_add_func("/savevm/bad-header", test_bad_header);
    g_test_add_func("/savevm/machine-mismatch", test_machine_mismatch);
    g_test_add_func("/savevm/unknown-section", test_unknown_section);
    g_test_add_func("/savevm/unsupported-version", test_unsupported_version);
    g_test_add_func("/savevm/bad-footer", test_bad_footer);
    g_test_add_func("/savevm/truncated", test_truncated);
    g_test_add_func("/savevm/flipped", test_flipped);
    g_test_add_func("/savevm/blocked", test_blocked);
    g_test_add_func("/savevm/duplicate-instance", test_duplicate_instance);
    g_test_add_func("/savevm/dump-vmstate", test_dump_json);
    g_test_add_func("/savevm/whole", test_savevm_state_whole);
    return g_test_run();
}
