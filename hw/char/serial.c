/* SPDX-License-Identifier: GPL-2.0-or-later */
/* 16550A UART: registers, 16-byte FIFOs, interrupts, chardev I/O. */
#include "qemu/osdep.h"
#include "hw/char/serial.h"
#include "hw/boards.h"
#include "hw/core/cpu.h"
#include "chardev/char.h"
#include "system/accel-ops.h"
#include "system/memory.h"
#include "system/runstate.h"
#include "migration/vmstate.h"

/* Register offsets (DLAB selects DLL/DLM at 0 and 1). */
enum {
    UART_RBR_THR = 0, UART_IER = 1, UART_IIR_FCR = 2, UART_LCR = 3,
    UART_MCR = 4, UART_LSR = 5, UART_MSR = 6, UART_SCR = 7,
};

#define UART_LCR_DLAB   0x80
#define UART_IER_RDI    0x01    /* received data available */
#define UART_IER_THRI   0x02    /* THR empty */
#define UART_IER_RLSI   0x04    /* receiver line status */
#define UART_IER_MSI    0x08    /* modem status */
#define UART_IIR_NO_INT 0x01
#define UART_IIR_MSI    0x00
#define UART_IIR_THRI   0x02
#define UART_IIR_RDI    0x04
#define UART_IIR_RLSI   0x06
#define UART_IIR_CTI    0x0c
#define UART_IIR_FE     0xc0    /* FIFOs enabled */
#define UART_FCR_FE     0x01
#define UART_FCR_RFR    0x02    /* clear RX FIFO */
#define UART_FCR_XFR    0x04    /* clear TX FIFO */
#define UART_LSR_DR     0x01
#define UART_LSR_OE     0x02
#define UART_LSR_PE     0x04
#define UART_LSR_FE     0x08
#define UART_LSR_BI     0x10
#define UART_LSR_THRE   0x20
#define UART_LSR_TEMT   0x40
#define UART_LSR_INT_ANY 0x1e
#define UART_MCR_DTR    0x01
#define UART_MCR_RTS    0x02
#define UART_MCR_OUT1   0x04
#define UART_MCR_OUT2   0x08
#define UART_MCR_LOOP   0x10
#define UART_MSR_DCTS   0x01
#define UART_MSR_DDSR   0x02
#define UART_MSR_TERI   0x04
#define UART_MSR_DDCD   0x08
#define UART_MSR_CTS    0x10
#define UART_MSR_DSR    0x20
#define UART_MSR_RI     0x40
#define UART_MSR_DCD    0x80
#define UART_MSR_ANY_DELTA 0x0f

#define UART_FIFO_LEN 16

struct SerialState {
    uint16_t divider;
    uint8_t rbr;                /* migration: the next byte received */
    uint8_t ier, iir, lcr, mcr, lsr, msr, scr, fcr;
    int32_t thr_ipending;       /* THR-empty interrupt not yet acknowledged */
    int irq;
    int irq_level;
    uint8_t rx_fifo[UART_FIFO_LEN];
    uint32_t rx_head, rx_count;
    CharBackend chr;
    guint accept_source;        /* pending accept-input idle, or 0 */
    /* A byte the chardev could not take yet (a slow reader): the
     * transmitter stays busy (THRE clear) until it goes out. */
    bool tx_pending;
    uint8_t tx_byte;
    guint tx_retry_source;      /* main-loop retry timer, or 0 */
    VMChangeStateEntry *vmstate_change;
};

static void serial_set_irq(SerialState *s, int level)
{
    const AccelOps *accel = current_accel();

    if (s->irq_level == level) {
        return;
    }
    s->irq_level = level;
    if (accel && accel->set_irq) {
        accel->set_irq(s->irq, level);
    }
}

static unsigned serial_rx_trigger(SerialState *s)
{
    static const unsigned levels[] = { 1, 4, 8, 14 };

    return levels[s->fcr >> 6];
}

/* Highest-priority pending source into IIR, and the line to match. */
static void serial_update_irq(SerialState *s)
{
    uint8_t iir = UART_IIR_NO_INT;

    if ((s->ier & UART_IER_RLSI) && (s->lsr & UART_LSR_INT_ANY)) {
        iir = UART_IIR_RLSI;
    } else if ((s->ier & UART_IER_RDI) && s->rx_count) {
        /*
         * Below the trigger level a real 16550 raises a character timeout
         * after four character times; with no baud clock here it is
         * reported at once.
         */
        bool fifo = s->fcr & UART_FCR_FE;

        iir = fifo && s->rx_count < serial_rx_trigger(s) ? UART_IIR_CTI
                                                          : UART_IIR_RDI;
    } else if ((s->ier & UART_IER_THRI) && s->thr_ipending) {
        iir = UART_IIR_THRI;
    } else if ((s->ier & UART_IER_MSI) && (s->msr & UART_MSR_ANY_DELTA)) {
        iir = UART_IIR_MSI;
    }
    s->iir = iir | ((s->fcr & UART_FCR_FE) ? UART_IIR_FE : 0);
    serial_set_irq(s, iir != UART_IIR_NO_INT);
}

static unsigned serial_rx_capacity(SerialState *s)
{
    return (s->fcr & UART_FCR_FE) ? UART_FIFO_LEN : 1;
}

static void serial_rx_push(SerialState *s, uint8_t ch)
{
    if (s->rx_count >= serial_rx_capacity(s)) {
        s->lsr |= UART_LSR_OE;          /* the byte is lost */
    } else {
        s->rx_fifo[(s->rx_head + s->rx_count) % UART_FIFO_LEN] = ch;
        s->rx_count++;
    }
    s->lsr |= UART_LSR_DR;
}

static gboolean serial_accept_input_bh(gpointer opaque)
{
    SerialState *s = opaque;

    bql_lock();
    s->accept_source = 0;
    bql_unlock();
    qemu_chr_fe_accept_input(&s->chr);
    return G_SOURCE_REMOVE;
}

static uint8_t serial_rx_pop(SerialState *s)
{
    uint8_t ch = 0;

    if (s->rx_count) {
        ch = s->rx_fifo[s->rx_head];
        s->rx_head = (s->rx_head + 1) % UART_FIFO_LEN;
        s->rx_count--;
    }
    if (!s->rx_count) {
        s->lsr &= ~UART_LSR_DR;
    }
    /* Room again: let the main loop poll the chardev (not from here). */
    if (s->chr.chr && !s->accept_source) {
        s->accept_source = g_idle_add(serial_accept_input_bh, s);
    }
    return ch;
}

/* Loopback: modem outputs feed the modem inputs. */
static uint8_t serial_loop_msr(uint8_t mcr)
{
    return ((mcr & UART_MCR_RTS) ? UART_MSR_CTS : 0) |
           ((mcr & UART_MCR_DTR) ? UART_MSR_DSR : 0) |
           ((mcr & UART_MCR_OUT1) ? UART_MSR_RI : 0) |
           ((mcr & UART_MCR_OUT2) ? UART_MSR_DCD : 0);
}

static void serial_set_msr(SerialState *s, uint8_t lines)
{
    uint8_t old = s->msr, delta = 0;

    if ((old ^ lines) & UART_MSR_CTS) {
        delta |= UART_MSR_DCTS;
    }
    if ((old ^ lines) & UART_MSR_DSR) {
        delta |= UART_MSR_DDSR;
    }
    if ((old & UART_MSR_RI) && !(lines & UART_MSR_RI)) {
        delta |= UART_MSR_TERI;
    }
    if ((old ^ lines) & UART_MSR_DCD) {
        delta |= UART_MSR_DDCD;
    }
    s->msr = lines | (old & UART_MSR_ANY_DELTA) | delta;
}

static void serial_tx_done(SerialState *s)
{
    s->tx_pending = false;
    s->lsr |= UART_LSR_THRE | UART_LSR_TEMT;
    s->thr_ipending = true;
}

/* Try to hand the pending byte to the chardev; true once it is gone. */
static bool serial_tx_try(SerialState *s)
{
    int ret = qemu_chr_fe_write(&s->chr, &s->tx_byte, 1);

    if (ret < 0 && errno == EAGAIN) {
        return false;
    }
    /* sent, or a gone peer lost it, as on a real line */
    serial_tx_done(s);
    return true;
}

/*
 * Main loop: retry the byte a slow reader did not take.  Only while the
 * VM runs: once a migration has saved the byte, the destination sends it
 * and the stopped source must not (it would appear twice); a source that
 * resumes after a failed migration sends it then (serial_vm_change).
 */
static gboolean serial_tx_retry(gpointer opaque)
{
    SerialState *s = opaque;
    gboolean again;

    bql_lock();
    again = s->tx_pending && runstate_is_running() && !serial_tx_try(s);
    if (!again) {
        s->tx_retry_source = 0;
        serial_update_irq(s);
    }
    bql_unlock();
    return again ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void serial_xmit(SerialState *s, uint8_t ch)
{
    if (s->mcr & UART_MCR_LOOP) {
        serial_rx_push(s, ch);
        serial_tx_done(s);
        return;
    }
    if (!s->chr.chr) {
        serial_tx_done(s);
        return;
    }
    if (s->tx_pending) {
        /* the guest ignored THRE: the older byte is overwritten */
        s->tx_byte = ch;
        return;
    }
    s->tx_byte = ch;
    s->tx_pending = true;
    /* Never wait here: this runs in a vCPU thread holding the BQL. */
    if (!serial_tx_try(s) && !s->tx_retry_source) {
        s->tx_retry_source = g_timeout_add(1, serial_tx_retry, s);
    }
}

static void serial_write_fcr(SerialState *s, uint8_t val)
{
    if ((val ^ s->fcr) & UART_FCR_FE) {
        /* Switching FIFO mode clears both FIFOs. */
        val |= UART_FCR_RFR | UART_FCR_XFR;
    }
    if (val & UART_FCR_RFR) {
        s->rx_count = 0;
        s->rx_head = 0;
        s->lsr &= ~(UART_LSR_DR | UART_LSR_OE);
    }
    if (val & UART_FCR_XFR) {
        s->lsr |= UART_LSR_THRE | UART_LSR_TEMT;
        s->thr_ipending = true;
    }
    s->fcr = val & 0xc9;        /* enable, DMA mode, trigger level */
    if (!(s->fcr & UART_FCR_FE)) {
        s->fcr = 0;
    }
}

static void serial_ioport_write(void *opaque, uint64_t addr, uint64_t val,
                                unsigned size)
{
    SerialState *s = opaque;
    uint8_t v = val;

    switch (addr & 7) {
    case UART_RBR_THR:
        if (s->lcr & UART_LCR_DLAB) {
            s->divider = (s->divider & 0xff00) | v;
            return;
        }
        s->thr_ipending = false;
        s->lsr &= ~(UART_LSR_THRE | UART_LSR_TEMT);
        serial_xmit(s, v);
        break;
    case UART_IER:
        if (s->lcr & UART_LCR_DLAB) {
            s->divider = (s->divider & 0x00ff) | (v << 8);
            return;
        }
        /* Enabling THRI while THR is empty raises it (as a 16550). */
        if ((v & UART_IER_THRI) && !(s->ier & UART_IER_THRI) &&
            (s->lsr & UART_LSR_THRE)) {
            s->thr_ipending = true;
        }
        s->ier = v & 0x0f;
        break;
    case UART_IIR_FCR:
        serial_write_fcr(s, v);
        break;
    case UART_LCR:
        s->lcr = v;
        return;
    case UART_MCR: {
        bool was_loop = s->mcr & UART_MCR_LOOP;

        s->mcr = v & 0x1f;
        if (s->mcr & UART_MCR_LOOP) {
            serial_set_msr(s, serial_loop_msr(s->mcr));
        } else if (was_loop) {
            serial_set_msr(s, UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS);
        }
        break;
    }
    case UART_LSR:
    case UART_MSR:
        return;                 /* read-only (factory test) */
    case UART_SCR:
        s->scr = v;
        return;
    }
    serial_update_irq(s);
}

static uint64_t serial_ioport_read(void *opaque, uint64_t addr,
                                   unsigned size)
{
    SerialState *s = opaque;
    uint8_t ret = 0xff;

    switch (addr & 7) {
    case UART_RBR_THR:
        if (s->lcr & UART_LCR_DLAB) {
            return s->divider & 0xff;
        }
        ret = serial_rx_pop(s);
        break;
    case UART_IER:
        return (s->lcr & UART_LCR_DLAB) ? s->divider >> 8 : s->ier;
    case UART_IIR_FCR:
        ret = s->iir;
        /* Reading IIR acknowledges a THR-empty interrupt. */
        if ((ret & 0x0f) == UART_IIR_THRI) {
            s->thr_ipending = false;
        }
        break;
    case UART_LCR:
        return s->lcr;
    case UART_MCR:
        return s->mcr;
    case UART_LSR:
        ret = s->lsr;
        s->lsr &= ~(UART_LSR_OE | UART_LSR_PE | UART_LSR_FE | UART_LSR_BI);
        break;
    case UART_MSR:
        ret = s->msr;
        s->msr &= ~UART_MSR_ANY_DELTA;
        break;
    case UART_SCR:
        return s->scr;
    }
    serial_update_irq(s);
    return ret;
}

static const MemoryRegionOps serial_io_ops = {
    .read = serial_ioport_read,
    .write = serial_ioport_write,
};

/* Chardev side: main thread; the registers belong to the BQL. */
static int serial_can_receive(void *opaque)
{
    SerialState *s = opaque;
    int room;

    bql_lock();
    if (s->mcr & UART_MCR_LOOP) {
        room = 0;               /* the line is disconnected in loopback */
    } else {
        room = serial_rx_capacity(s) - s->rx_count;
    }
    bql_unlock();
    return room;
}

static void serial_receive(void *opaque, const uint8_t *buf, int size)
{
    SerialState *s = opaque;

    bql_lock();
    if (!(s->mcr & UART_MCR_LOOP)) {
        for (int i = 0; i < size; i++) {
            serial_rx_push(s, buf[i]);
        }
        serial_update_irq(s);
    }
    bql_unlock();
}

static void serial_event(void *opaque, QEMUChrEvent event)
{
    SerialState *s = opaque;

    if (event == CHR_EVENT_BREAK) {
        bql_lock();
        s->lsr |= UART_LSR_BI | UART_LSR_DR;
        serial_update_irq(s);
        bql_unlock();
    }
}

void serial_reset(void *opaque)
{
    SerialState *s = opaque;

    s->divider = 0x0c;          /* 9600 baud */
    s->ier = 0;
    s->lcr = 0;
    s->mcr = UART_MCR_OUT2;
    s->lsr = UART_LSR_TEMT | UART_LSR_THRE;
    s->msr = UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
    s->scr = 0;
    s->fcr = 0;
    s->thr_ipending = false;
    s->tx_pending = false;      /* a retry timer finds nothing to send */
    s->rx_head = 0;
    s->rx_count = 0;
    serial_update_irq(s);
}

/* --- migration: QEMU's "serial" section --- */

static int serial_pre_save(void *opaque)
{
    SerialState *s = opaque;

    s->rbr = s->rx_count ? s->rx_fifo[s->rx_head] : 0;
    return 0;
}

static int serial_pre_load(void *opaque)
{
    SerialState *s = opaque;

    /* What an absent subsection means: derived / empty. */
    s->thr_ipending = -1;
    s->rx_head = 0;
    s->rx_count = 0;
    s->tx_pending = false;
    return 0;
}

static int serial_post_load(void *opaque, int version_id)
{
    SerialState *s = opaque;

    if (s->rx_head >= UART_FIFO_LEN || s->rx_count > UART_FIFO_LEN) {
        error_report("serial: receive FIFO (head %" PRIu32 ", count %"
                     PRIu32 ") out of range in the migration stream",
                     s->rx_head, s->rx_count);
        return -EINVAL;
    }
    if (s->thr_ipending == -1) {
        s->thr_ipending = (s->iir & 0x0f) == UART_IIR_THRI;
    }
    s->fcr &= 0xc9;
    s->ier &= 0x0f;
    s->mcr &= 0x1f;
    /*
     * The interrupt line's level lives in the irqchip, which has its own
     * section: only remember what it is, do not drive it again.
     */
    s->irq_level = (s->iir & UART_IIR_NO_INT) ? 0 : 1;
    if (s->chr.chr && !s->accept_source) {
        s->accept_source = g_idle_add(serial_accept_input_bh, s);
    }
    if (s->tx_pending && s->chr.chr) {
        /* the source's slow reader left a byte: sent once the VM runs */
    } else if (!(s->lsr & UART_LSR_THRE)) {
        /* nothing held: the transmitter is empty, whatever lsr said */
        s->tx_pending = false;
        s->lsr |= UART_LSR_THRE | UART_LSR_TEMT;
    }
    return 0;
}

/* A byte held while the VM was stopped goes out when it runs again. */
static void serial_vm_change(void *opaque, bool running, RunState state)
{
    SerialState *s = opaque;

    if (!running) {
        return;
    }
    bql_lock();
    if (s->tx_pending && s->chr.chr && !s->tx_retry_source) {
        s->tx_retry_source = g_timeout_add(1, serial_tx_retry, s);
    }
    bql_unlock();
}

static bool serial_thr_ipending_needed(void *opaque)
{
    SerialState *s = opaque;

    return s->thr_ipending != ((s->iir & 0x0f) == UART_IIR_THRI);
}

static const VMStateDescription vmstate_serial_thr_ipending = {
    .name = "serial/thr_ipending",
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = serial_thr_ipending_needed,
    .fields = (const VMStateField[]) {
        VMSTATE_INT32(thr_ipending, SerialState),
        VMSTATE_END_OF_LIST()
    },
};

static bool serial_recv_fifo_needed(void *opaque)
{
    SerialState *s = opaque;

    return s->rx_count || (s->lsr & UART_LSR_DR);
}

static const VMStateDescription vmstate_serial_recv_fifo = {
    .name = "serial/recv_fifo",
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = serial_recv_fifo_needed,
    .fields = (const VMStateField[]) {
        VMSTATE_BUFFER(rx_fifo, SerialState),
        VMSTATE_UINT32(rx_head, SerialState),
        VMSTATE_UINT32(rx_count, SerialState),
        VMSTATE_END_OF_LIST()
    },
};

/*
 * The transmitter sends each byte at once, so there is no transmit FIFO,
 * shift register or timer state to carry.
 */
/* A byte a slow console reader had not taken at switchover (THRE clear). */
static bool serial_tx_pending_needed(void *opaque)
{
    return ((SerialState *)opaque)->tx_pending;
}

static const VMStateDescription vmstate_serial_tx_pending = {
    .name = "serial/tx_pending",
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = serial_tx_pending_needed,
    .fields = (const VMStateField[]) {
        VMSTATE_BOOL(tx_pending, SerialState),
        VMSTATE_UINT8(tx_byte, SerialState),
        VMSTATE_END_OF_LIST()
    },
};

static const VMStateDescription vmstate_serial = {
    .name = "serial",
    .version_id = 3,
    .minimum_version_id = 2,
    .pre_save = serial_pre_save,
    .pre_load = serial_pre_load,
    .post_load = serial_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT16_V(divider, SerialState, 2),
        VMSTATE_UINT8(rbr, SerialState),
        VMSTATE_UINT8(ier, SerialState),
        VMSTATE_UINT8(iir, SerialState),
        VMSTATE_UINT8(lcr, SerialState),
        VMSTATE_UINT8(mcr, SerialState),
        VMSTATE_UINT8(lsr, SerialState),
        VMSTATE_UINT8(msr, SerialState),
        VMSTATE_UINT8(scr, SerialState),
        VMSTATE_UINT8_V(fcr, SerialState, 3),
        VMSTATE_END_OF_LIST()
    },
    .subsections = (const VMStateDescription * const []) {
        &vmstate_serial_thr_ipending,
        &vmstate_serial_recv_fifo,
        &vmstate_serial_tx_pending,
        NULL
    },
};

SerialState *serial_isa_init(uint16_t base, int irq, Chardev *chr,
                             Error **errp)
{
    SerialState *s = g_new0(SerialState, 1);

    s->irq = irq;
    if (chr) {
        if (!qemu_chr_fe_init(&s->chr, chr, errp)) {
            g_free(s);
            return NULL;
        }
        qemu_chr_fe_set_handlers(&s->chr, serial_can_receive, serial_receive,
                                 serial_event, s);
    }
    serial_reset(s);
    pio_register(base, 8, &serial_io_ops, s, "serial");
    qemu_register_reset(serial_reset, s);
    s->vmstate_change = qemu_add_vm_change_state_handler(serial_vm_change, s);
    vmstate_register(NULL, VMSTATE_INSTANCE_ID_ANY, &vmstate_serial, s);
    return s;
}

void serial_isa_free(SerialState *s)
{
    vmstate_unregister(&vmstate_serial, s);
    qemu_del_vm_change_state_handler(s->vmstate_change);
    if (s->accept_source) {
        g_source_remove(s->accept_source);
    }
    if (s->tx_retry_source) {
        g_source_remove(s->tx_retry_source);
    }
    qemu_chr_fe_deinit(&s->chr, false);
    g_free(s);
}
