/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The -bios front end of the protected- and long-mode guests: from the
 * reset vector (CS base 0xffff0000), switch to flat 32-bit protected mode,
 * copy the payload from ROM to the RAM address it is linked at, and enter
 * it at entry32 with EAX = BIOS_BOOT_MAGIC (the payload clears its BSS).
 * Assembled into both 32- and 64-bit objects; bios.ld places it.
 */

#define BIOS_BOOT_MAGIC 0x46455252
#define BIOS_OFFSET     0xf000      /* bios.ld: .bios at 0xfffff000 */

    .section .bios, "ax"
    .code16
    .globl bios_start16
bios_start16:
    cli
    cld
    lgdtl %cs:(BIOS_OFFSET + bios_gdt_desc - bios_start16)
    movl %cr0, %eax
    andl $0x9fffffff, %eax          /* caches on: clear CD and NW */
    orb $1, %al                     /* PE */
    movl %eax, %cr0
    ljmpl $0x08, $bios_start32

    .code32
bios_start32:
    movl $0x10, %eax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movw %ax, %fs
    movw %ax, %gs
    movl $__payload_lma, %esi
    movl $__payload_start, %edi
    movl $__payload_end, %ecx
    subl %edi, %ecx
    rep movsb
    movl $BIOS_BOOT_MAGIC, %eax
    xorl %ebx, %ebx
    movl $entry32, %ecx
    jmp *%ecx

    /* in ROM: descriptors are marked accessed, the CPU cannot write them */
    .balign 8
bios_gdt:
    .quad 0
    .quad 0x00cf9b000000ffff        /* 0x08: flat 32-bit code */
    .quad 0x00cf93000000ffff        /* 0x10: flat data */
bios_gdt_desc:
    .word bios_gdt_desc - bios_gdt - 1
    .long bios_gdt

    .section .reset, "ax"
    .code16
    .globl reset_vector
reset_vector:
    jmp bios_start16                /* near: keeps CS base 0xffff0000 */

    .section .note.GNU-stack, "", @progbits
