/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The AP start-up trampoline of the long-mode guest.  lm_main copies
 * ap_tramp_start..ap_tramp_end to AP_TRAMP_BASE (SIPI vector 0x08); an AP
 * starts there in real mode, loads the guest's GDT, enters protected mode,
 * turns on the BSP's page tables and long mode, and jumps to ap_entry64.
 * Code here is position-dependent on AP_TRAMP_BASE through T().
 */

#define AP_TRAMP_BASE   0x8000
#define T(x)            ((x) - ap_tramp_start + AP_TRAMP_BASE)

    .section .text.ap_tramp, "ax"
    .code16
    .globl ap_tramp_start, ap_tramp_end
ap_tramp_start:
    cli
    cld
    xorw %ax, %ax
    movw %ax, %ds
    lgdtl T(ap_gdt_desc)
    movl %cr0, %eax
    andl $0x9fffffff, %eax          /* caches on: clear CD and NW */
    orb $1, %al                     /* PE */
    movl %eax, %cr0
    ljmpl $0x18, $T(ap_pm32)

    .code32
ap_pm32:
    movl $0x10, %eax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movl %cr4, %eax
    orl $0x20, %eax                 /* PAE */
    movl %eax, %cr4
    movl $pml4, %eax
    movl %eax, %cr3
    movl $0xc0000080, %ecx          /* EFER.LME */
    rdmsr
    orl $0x100, %eax
    wrmsr
    movl %cr0, %eax
    orl $0x80000000, %eax           /* PG */
    movl %eax, %cr0
    ljmp $0x08, $ap_entry64

    .balign 8
ap_gdt_desc:
    .word 4 * 8 - 1                 /* longmode-entry.S: 4 descriptors */
    .long gdt64
ap_tramp_end:

    .section .note.GNU-stack, "", @progbits
