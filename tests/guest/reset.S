/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * reset.bin: a 64 KiB -bios image for guest-initiated resets.  A boot
 * counter lives in RAM at 0x600 (RAM survives a reset; it starts as zero).
 * Each boot prints "boot <n>"; boot 1 resets the machine through the i8042
 * (0xFE to port 0x64), boot 2 through port 0xCF9 (0x06), boot 3 prints
 * "done" and powers off (port 0x604).  Real mode only, polled COM1.
 */
#define COM1        0x3f8
#define V_BOOTS     0x600

    .code16
    .section .text, "ax"

start:
    cli
    cld
    xorw %ax, %ax
    movw %ax, %ds
    movw %ax, %ss
    movw $0x7000, %sp

    incw V_BOOTS
    movw $msg_boot, %si
    call puts
    movw V_BOOTS, %ax
    addb $'0', %al
    call putc
    movb $'\n', %al
    call putc

    cmpw $1, V_BOOTS
    je 1f
    cmpw $2, V_BOOTS
    je 2f
    movw $msg_done, %si
    call puts
    movw $0x604, %dx                /* ACPI PM1a_CNT: SLP_EN */
    movw $0x2000, %ax
    outw %ax, %dx
    jmp halt
1:  movb $0xfe, %al                 /* i8042: pulse the reset line */
    outb %al, $0x64
    jmp halt
2:  movw $0xcf9, %dx                /* reset control: hard reset */
    movb $0x06, %al
    outb %al, %dx
halt:
    hlt
    jmp halt

/* putc: AL to COM1, waiting for THRE */
putc:
    pushw %dx
    pushw %ax
    movw $COM1 + 5, %dx
1:  inb %dx, %al
    testb $0x20, %al
    jz 1b
    popw %ax
    movw $COM1, %dx
    outb %al, %dx
    popw %dx
    ret

/* puts: the NUL-terminated string at CS:SI */
puts:
    movb %cs:(%si), %al
    testb %al, %al
    jz 1f
    call putc
    incw %si
    jmp puts
1:  ret

msg_boot:   .asciz "boot "
msg_done:   .asciz "done\n"

    .section .reset, "ax"
    .globl reset_vector
reset_vector:
    ljmp $0xf000, $start
