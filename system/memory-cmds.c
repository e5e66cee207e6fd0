/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest memory and I/O ports from the monitor: HMP x/xp (QEMU's
 * memory_dump layout), QMP/HMP memsave (virtual, through a vCPU's page
 * tables) and pmemsave (physical), HMP i/o (port reads and writes).
 */
#include "qemu/osdep.h"
#include "monitor/hmp.h"
#include "monitor/fds.h"
#include "qemu/option.h"
#include "system/memory.h"
#include "hw/core/cpu.h"
#include "hw/core/cpu-debug.h"
#include "qapi/qapi-commands-machine.h"

static CPUState *mon_cpu(bool has_index, int64_t index, Error **errp)
{
    CPUState *cpu;

    if (has_index) {
        cpu = index >= 0 && index <= INT_MAX ? qemu_get_cpu(index) : NULL;
        if (!cpu) {
            error_setg(errp, "Parameter 'cpu-index' expects a CPU number");
            return NULL;
        }
    } else {
        cpu = qemu_get_cpu(0);
        if (!cpu) {
            error_setg(errp, "No CPU available");
            return NULL;
        }
    }
    cpu_synchronize_state(cpu);
    return cpu;
}

static bool read_mem(CPUState *cpu, uint64_t addr, void *buf, uint64_t len)
{
    return cpu ? cpu_memory_read_debug(cpu, addr, buf, len)
               : cpu_physical_memory_read(addr, buf, len);
}

/* Write [addr, addr+size) of guest memory (virtual if cpu) to filename. */
static void save_memory(CPUState *cpu, int64_t addr, int64_t size,
                        const char *filename, Error **errp)
{
    uint8_t buf[4096];
    int fd;

    if (size < 0) {
        error_setg(errp, "Parameter 'size' expects a non-negative size");
        return;
    }
    fd = qemu_create(filename, O_WRONLY | O_CREAT | O_TRUNC, 0600, errp);
    if (fd < 0) {
        return;
    }
    for (int64_t done = 0; done < size;) {
        uint64_t l = MIN((uint64_t)(size - done), sizeof(buf));

        /* Physical holes read as QEMU's unassigned memory does (all
         * ones) and do not fail; a virtual page the guest's tables do
         * not map does. */
        if (!read_mem(cpu, addr + done, buf, l) && cpu) {
            error_setg(errp, "Invalid addr 0x%016" PRIx64 "/size %" PRId64
                       " specified", (uint64_t)addr, size);
            goto out;
        }
        if (write(fd, buf, l) != (ssize_t)l) {
            error_setg_errno(errp, errno, "writing memory to '%s'",
                             filename);
            goto out;
        }
        done += l;
    }
out:
    qemu_close(fd);
}

void qmp_memsave(int64_t val, int64_t size, const char *filename,
                 bool has_cpu_index, int64_t cpu_index, Error **errp)
{
    CPUState *cpu = mon_cpu(has_cpu_index, cpu_index, errp);

    if (cpu) {
        save_memory(cpu, val, size, filename, errp);
    }
}

void qmp_pmemsave(int64_t val, int64_t size, const char *filename,
                  Error **errp)
{
    save_memory(NULL, val, size, filename, errp);
}

/* "/[count][format][size]" as QEMU's HMP parses it. */
static bool parse_fmt(Monitor *mon, const char *s, int *count, char *format,
                      int *wsize)
{
    *count = 1;
    *format = 'x';
    *wsize = 4;
    if (!s) {
        return true;
    }
    if (*s++ != '/') {
        monitor_printf(mon, "invalid format: %s\n", s - 1);
        return false;
    }
    if (g_ascii_isdigit(*s)) {
        *count = strtol(s, (char **)&s, 10);
    }
    for (; *s; s++) {
        switch (*s) {
        case 'x': case 'd': case 'u': case 'o': case 'c':
            *format = *s;
            break;
        case 'b': *wsize = 1; break;
        case 'h': *wsize = 2; break;
        case 'w': *wsize = 4; break;
        case 'g': case 'l': *wsize = 8; break;
        case 'i':
            monitor_printf(mon, "format 'i' (disassembly) is not "
                           "supported\n");
            return false;
        default:
            monitor_printf(mon, "invalid char in format: '%c'\n", *s);
            return false;
        }
    }
    if (*format == 'c') {
        *wsize = 1;
    }
    return true;
}

static void print_char(Monitor *mon, uint8_t c)
{
    if (c == '\\' || c == '\'') {
        monitor_printf(mon, "'\\%c'", c);
    } else if (c == '\n') {
        monitor_printf(mon, "'\\n'");
    } else if (c == '\r') {
        monitor_printf(mon, "'\\r'");
    } else if (c >= 32 && c <= 126) {
        monitor_printf(mon, "'%c'", c);
    } else {
        monitor_printf(mon, "'\\x%02x'", c);
    }
}

static void memory_dump(Monitor *mon, CPUState *cpu, const char *fmt,
                        const char *addr_str)
{
    int count, wsize, max_digits;
    char format;
    uint64_t addr, len, line_size;

    if (!parse_fmt(mon, fmt, &count, &format, &wsize)) {
        return;
    }
    if (qemu_strtou64(addr_str, NULL, 0, &addr) < 0) {
        monitor_printf(mon, "invalid address: %s\n", addr_str);
        return;
    }
    len = (uint64_t)wsize * count;
    line_size = wsize == 1 ? 8 : 16;
    switch (format) {
    case 'o':
        max_digits = (wsize * 8 + 2) / 3;
        break;
    case 'u':
    case 'd':
        max_digits = (wsize * 8 * 10 + 32) / 33;
        break;
    default:
        max_digits = wsize * 2;
    }
    while (len > 0) {
        uint8_t buf[16];
        uint64_t l = MIN(len, line_size);

        monitor_printf(mon, "%016" PRIx64 ":", addr);
        if (!read_mem(cpu, addr, buf, l)) {
            monitor_printf(mon, " Cannot access memory\n");
            return;
        }
        for (uint64_t i = 0; i < l; i += wsize) {
            uint64_t v = 0;

            memcpy(&v, buf + i, wsize);       /* little-endian host */
            monitor_printf(mon, " ");
            switch (format) {
            case 'o':
                monitor_printf(mon, "%#*" PRIo64, max_digits, v);
                break;
            case 'u':
                monitor_printf(mon, "%*" PRIu64, max_digits, v);
                break;
            case 'd':
                monitor_printf(mon, "%*" PRId64, max_digits, (int64_t)v);
                break;
            case 'c':
                print_char(mon, v);
                break;
            default:
                monitor_printf(mon, "0x%0*" PRIx64, max_digits, v);
            }
        }
        monitor_printf(mon, "\n");
        addr += l;
        len -= l;
    }
}

void hmp_xp(Monitor *mon, const HMPArgs *args)
{
    memory_dump(mon, NULL, hmp_arg_str(args, "fmt"),
                hmp_arg_str(args, "addr"));
}

void hmp_x(Monitor *mon, const HMPArgs *args)
{
    Error *err = NULL;
    CPUState *cpu = mon_cpu(false, 0, &err);

    if (!cpu) {
        hmp_handle_error(mon, err);
        return;
    }
    memory_dump(mon, cpu, hmp_arg_str(args, "fmt"), hmp_arg_str(args, "addr"));
}

static bool parse_i64(Monitor *mon, const char *s, int64_t *v)
{
    if (qemu_strtoi64(s, NULL, 0, v) < 0) {
        monitor_printf(mon, "invalid number: %s\n", s);
        return false;
    }
    return true;
}

void hmp_memsave(Monitor *mon, const HMPArgs *args)
{
    int64_t addr, size;
    Error *err = NULL;

    if (parse_i64(mon, hmp_arg_str(args, "val"), &addr) &&
        parse_i64(mon, hmp_arg_str(args, "size"), &size)) {
        qmp_memsave(addr, size, hmp_arg_str(args, "filename"), false, 0,
                    &err);
        hmp_handle_error(mon, err);
    }
}

void hmp_pmemsave(Monitor *mon, const HMPArgs *args)
{
    int64_t addr, size;
    Error *err = NULL;

    if (parse_i64(mon, hmp_arg_str(args, "val"), &addr) &&
        parse_i64(mon, hmp_arg_str(args, "size"), &size)) {
        qmp_pmemsave(addr, size, hmp_arg_str(args, "filename"), &err);
        hmp_handle_error(mon, err);
    }
}

/* i/o: the access size from "/fmt" (b, h/w, w/l), QEMU's default 4. */
static bool ioport_args(Monitor *mon, const HMPArgs *args, int64_t *port,
                        int *size)
{
    int count, wsize;
    char format;

    if (!parse_fmt(mon, hmp_arg_str(args, "fmt"), &count, &format, &wsize) ||
        !parse_i64(mon, hmp_arg_str(args, "addr"), port)) {
        return false;
    }
    if (wsize == 8) {
        monitor_printf(mon, "invalid I/O size: 8 (use b, h or w)\n");
        return false;
    }
    *port &= 0xffff;
    *size = wsize;
    return true;
}

void hmp_ioport_read(Monitor *mon, const HMPArgs *args)
{
    static const char suffix[] = { [1] = 'b', [2] = 'w', [4] = 'l' };
    uint32_t val = 0;
    int64_t port;
    int size;

    if (!ioport_args(mon, args, &port, &size)) {
        return;
    }
    bql_lock();
    pio_dispatch(port, &val, size, false);
    bql_unlock();
    monitor_printf(mon, "port%c[0x%04x] = 0x%0*x\n", suffix[size],
                   (unsigned)port, size * 2, val);
}

void hmp_ioport_write(Monitor *mon, const HMPArgs *args)
{
    int64_t port, val;
    uint32_t data;
    int size;

    if (!ioport_args(mon, args, &port, &size) ||
        !parse_i64(mon, hmp_arg_str(args, "val"), &val)) {
        return;
    }
    data = val;
    bql_lock();
    pio_dispatch(port, &data, size, true);
    bql_unlock();
}
