/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * realmode.bin: a 64 KiB -bios image that stays in real mode.  It starts at
 * the reset vector, prints "ferry: real mode" and "mem: <N> MiB" (CMOS),
 * takes PIT IRQ0 at 100 Hz through the IVT, prints "tick <n>" every 10
 * ticks, and after 30 ticks prints "done" and powers off (port 0x604).
 * Anything unexpected prints "FAIL: <why>" and writes 1 to port 0xf4.
 *
 * The image is linked at offset 0 of segment 0xf000: it runs from the
 * 0xf0000-0xfffff alias of the ROM.  Variables live in RAM at 0x500.
 */

#define COM1            0x3f8
#define ROM_SEG         0xf000
#define IRQ0_VECTOR     0x20            /* PIC master remapped to 0x20 */

#define V_TICKS         0x500           /* word: PIT ticks */
#define V_NEXT          0x502           /* word: tick count of next line */
#define V_BEATS         0x504           /* word: heartbeat lines printed */
#define V_SEC           0x506           /* byte: last RTC seconds seen */
#define V_SEEN          0x508           /* word: ticks at last RTC change */
#define V_STILL         0x50a           /* word: RTC seconds without ticks */

    .code16
    .section .text, "ax"

start:
    cli
    cld
    xorw %ax, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movw $0x7000, %sp
    movl %cr0, %eax                 /* caches on: clear CD and NW */
    andl $0x9fffffff, %eax
    movl %eax, %cr0

    movw $0, V_TICKS
    movw $10, V_NEXT
    movw $0, V_BEATS
    movw $0, V_SEEN
    movw $0, V_STILL

    call serial_init
    movw $msg_banner, %si
    call puts

    call mem_mib
    movw $msg_mem, %si
    call puts
    call putdec
    movw $msg_mib, %si
    call puts

    /* every vector is unexpected but IRQ0 and the PICs' spurious IRQs */
    xorw %di, %di
    movw $256, %cx
1:  movw $unexpected_irq, (%di)
    movw $ROM_SEG, 2(%di)
    addw $4, %di
    loop 1b
    movw $irq0, IRQ0_VECTOR * 4
    movw $spurious_master, (IRQ0_VECTOR + 7) * 4
    movw $spurious_slave, (IRQ0_VECTOR + 15) * 4

    /*
     * As a BIOS does: let the 8259 reach the CPU through the local APIC
     * (software-enabled, LINT0 = ExtINT, LINT1 = NMI).  The APIC is above
     * 1 MiB: program it from 16-bit protected mode, then come back.
     */
    lgdtl %cs:pm16_gdt_desc
    movl %cr0, %eax
    orb $1, %al
    movl %eax, %cr0
    ljmp $0x10, $1f                 /* 16-bit code, base 0xf0000 */
1:  movw $0x18, %bx                 /* real-mode-like 64 KiB data */
    movw %bx, %ss
    movw %bx, %ds
    movw %bx, %es
    movw %bx, %gs
    movw $0x08, %bx                 /* flat 4 GiB data */
    movw %bx, %fs
    movl $0xfee00000, %ebx
    movl $0x1ff, %fs:0xf0(%ebx)     /* SVR: enabled, spurious vector 0xff */
    movl $0x700, %fs:0x350(%ebx)    /* LVT LINT0: ExtINT */
    movl $0x400, %fs:0x360(%ebx)    /* LVT LINT1: NMI */
    movw $0x18, %bx
    movw %bx, %fs
    andb $0xfe, %al
    movl %eax, %cr0
    ljmp $ROM_SEG, $2f
2:  xorw %bx, %bx
    movw %bx, %ss
    movw %bx, %ds
    movw %bx, %es
    movw %bx, %fs
    movw %bx, %gs
    movw $spurious_master, 0xff * 4

    call pic_init
    call pit_init
    movb $0, %al
    call cmos_read
    movb %al, V_SEC
    sti

main_loop:
    movw V_TICKS, %ax
    cmpw V_NEXT, %ax
    jb 2f
    addw $10, V_NEXT
    incw V_BEATS
    movw $msg_tick, %si
    call puts
    movzwl V_BEATS, %eax
    call putdec
    movb $'\n', %al
    call putc
    cmpw $3, V_BEATS
    jae finished
2:  /* watchdog: fail when the RTC moves 4 times and no tick comes */
    movb $0, %al
    call cmos_read
    cmpb V_SEC, %al
    je 3f
    movb %al, V_SEC
    movw V_TICKS, %ax
    cmpw V_SEEN, %ax
    movw %ax, V_SEEN
    je 4f
    movw $0, V_STILL
    jmp 3f
4:  incw V_STILL
    cmpw $4, V_STILL
    jb 3f
    movw $msg_no_ticks, %si
    jmp fail
3:  pause
    jmp main_loop

finished:
    cli
    movw $msg_done, %si
    call puts
    movw $0x604, %dx
    movw $0x2000, %ax
    outw %ax, %dx
halt:
    cli
    hlt
    jmp halt

/* si: message in the ROM segment (without "FAIL: ") */
fail:
    cli
    pushw %si
    movw $msg_fail, %si
    call puts
    popw %si
    call puts
    movb $'\n', %al
    call putc
    movw $0xf4, %dx
    movl $1, %eax
    outl %eax, %dx
    jmp halt

irq0:
    pushw %ax
    pushw %ds
    xorw %ax, %ax
    movw %ax, %ds
    incw V_TICKS
    movb $0x20, %al
    outb %al, $0x20
    popw %ds
    popw %ax
    iret

spurious_master:
    iret

spurious_slave:
    pushw %ax
    movb $0x20, %al
    outb %al, $0x20
    popw %ax
    iret

unexpected_irq:
    movw $msg_unexpected, %si
    jmp fail

serial_init:
    movw $COM1 + 1, %dx
    movb $0x00, %al                 /* IER: no interrupts */
    outb %al, %dx
    movw $COM1 + 3, %dx
    movb $0x80, %al                 /* LCR: DLAB */
    outb %al, %dx
    movw $COM1, %dx
    movb $0x01, %al                 /* 115200 baud */
    outb %al, %dx
    movw $COM1 + 1, %dx
    movb $0x00, %al
    outb %al, %dx
    movw $COM1 + 3, %dx
    movb $0x03, %al                 /* 8N1 */
    outb %al, %dx
    movw $COM1 + 2, %dx
    movb $0x07, %al                 /* FIFOs */
    outb %al, %dx
    movw $COM1 + 4, %dx
    movb $0x03, %al                 /* DTR, RTS */
    outb %al, %dx
    ret

/* al: character; waits for THRE (bounded) */
putc:
    pushw %ax
    pushw %cx
    pushw %dx
    movb %al, %ah
    movw $COM1 + 5, %dx
    movw $0xffff, %cx
1:  inb %dx, %al
    testb $0x20, %al
    jnz 2f
    pause
    loop 1b
2:  movb %ah, %al
    movw $COM1, %dx
    outb %al, %dx
    popw %dx
    popw %cx
    popw %ax
    ret

/* si: NUL-terminated string in the ROM segment */
puts:
    pushw %ax
1:  movb %cs:(%si), %al
    incw %si
    testb %al, %al
    jz 2f
    call putc
    jmp 1b
2:  popw %ax
    ret

/* eax: unsigned number, printed in decimal */
putdec:
    pushal
    movl $10, %ebx
    xorw %cx, %cx
1:  xorl %edx, %edx
    divl %ebx
    pushw %dx
    incw %cx
    testl %eax, %eax
    jnz 1b
2:  popw %ax
    addb $'0', %al
    call putc
    loop 2b
    popal
    ret

/* al: register; returns al */
cmos_read:
    outb %al, $0x70
    inb $0x71, %al
    ret

/* returns eax = RAM in MiB: low RAM (0x34/0x35 or 0x30/0x31) + 0x5b-0x5d */
mem_mib:
    pushl %ebx
    movb $0x35, %al
    call cmos_read
    movb %al, %bh
    movb $0x34, %al
    call cmos_read
    movb %al, %bl
    movzwl %bx, %ebx
    testl %ebx, %ebx
    jz 1f
    shrl $4, %ebx                   /* 64 KiB blocks -> MiB */
    addl $16, %ebx
    jmp 2f
1:  movb $0x31, %al
    call cmos_read
    movb %al, %bh
    movb $0x30, %al
    call cmos_read
    movb %al, %bl
    movzwl %bx, %ebx
    shrl $10, %ebx                  /* KiB -> MiB */
    incl %ebx
2:  movb $0x5d, %al
    call cmos_read
    movzbl %al, %eax
    shll $16, %eax
    pushl %eax
    movb $0x5c, %al
    call cmos_read
    movzbl %al, %eax
    shll $8, %eax
    orl %eax, (%esp)
    movb $0x5b, %al
    call cmos_read
    movzbl %al, %eax
    orl (%esp), %eax
    addl $4, %esp
    shrl $4, %eax                   /* 64 KiB blocks -> MiB */
    addl %ebx, %eax
    popl %ebx
    ret

pic_init:
    movb $0x11, %al
    outb %al, $0x20
    outb %al, $0xa0
    movb $IRQ0_VECTOR, %al
    outb %al, $0x21
    movb $IRQ0_VECTOR + 8, %al
    outb %al, $0xa1
    movb $0x04, %al
    outb %al, $0x21
    movb $0x02, %al
    outb %al, $0xa1
    movb $0x01, %al
    outb %al, $0x21
    outb %al, $0xa1
    movb $0xfe, %al                 /* only IRQ0 */
    outb %al, $0x21
    movb $0xff, %al
    outb %al, $0xa1
    ret

pit_init:
    movb $0x34, %al                 /* channel 0, lo/hi, rate generator */
    outb %al, $0x43
    movw $11932, %ax                /* 1193182 Hz / 100 */
    outb %al, $0x40
    movb %ah, %al
    outb %al, $0x40
    ret

    .balign 8
    /* in ROM: descriptors are marked accessed, the CPU cannot write them */
pm16_gdt:
    .quad 0
    .quad 0x00cf93000000ffff        /* 0x08: flat 4 GiB data */
    .quad 0x00009b0f0000ffff        /* 0x10: 16-bit code at 0xf0000 */
    .quad 0x000093000000ffff        /* 0x18: 16-bit data at 0, 64 KiB */
pm16_gdt_desc:
    .word pm16_gdt_desc - pm16_gdt - 1
    .long pm16_gdt + (ROM_SEG << 4)

msg_banner:     .asciz "ferry: real mode\n"
msg_mem:        .asciz "mem: "
msg_mib:        .asciz " MiB\n"
msg_tick:       .asciz "tick "
msg_done:       .asciz "done\n"
msg_fail:       .asciz "FAIL: "
msg_no_ticks:   .asciz "no PIT interrupts"
msg_unexpected: .asciz "unexpected interrupt or exception"

    /* CS base is 0xffff0000 at reset: jump to the 0xf0000 alias */
    .section .reset, "ax"
    .globl reset_vector
reset_vector:
    ljmp $ROM_SEG, $start

    .section .note.GNU-stack, "", @progbits
