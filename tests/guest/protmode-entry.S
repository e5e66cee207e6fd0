/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * protmode payload entry (from bios-entry.S or a Multiboot loader, in flat
 * 32-bit protected mode with EAX = boot magic, EBX = multiboot info): our
 * own GDT, a clear BSS and a stack, then pm_main(magic, info).  Also the
 * interrupt entry stubs: one 16-byte stub per vector 0-47 and 255.
 */

    .section .text.entry, "ax"
    .code32
    .globl entry32
entry32:
    cli
    cld
    movl %eax, %esi
    movl %ebx, %ebp
    lgdt gdt32_desc
    ljmp $0x08, $1f
1:  movl $0x10, %eax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movw %ax, %fs
    movw %ax, %gs
    movl %cr0, %eax
    andl $0x1fffffff, %eax          /* caches on, paging off */
    movl %eax, %cr0
    movl $__bss_start, %edi
    movl $__bss_end, %ecx
    subl %edi, %ecx
    xorl %eax, %eax
    rep stosb
    movl $stack_top, %esp
    pushl %ebp
    pushl %esi
    call pm_main
2:  cli
    hlt
    jmp 2b

    .macro ISR_STUB vec
    .balign 16
    .if \vec == 8 || (\vec >= 10 && \vec <= 14) || \vec == 17 || \vec == 21 || \vec == 29 || \vec == 30
    pushl $\vec                     /* the CPU pushed an error code */
    .else
    pushl $0
    pushl $\vec
    .endif
    jmp isr_common
    .endm

    .text
    .balign 16
    .globl isr_stubs
isr_stubs:
    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,255
    ISR_STUB \v
    .endr

isr_common:
    pushal
    movl %esp, %eax
    pushl %eax
    cld
    call isr_dispatch
    addl $4, %esp
    popal
    addl $8, %esp                   /* vector, error code */
    /*
     * Return without IRET: kvm_pvm runs 32-bit code in KVM's instruction
     * emulator, which emulates IRET in real mode only.  Same privilege
     * and CS, so restoring EFLAGS and popping EIP is all IRET would do.
     */
    pushl 8(%esp)                   /* EFLAGS */
    popfl
    ret $8                          /* EIP; drop CS and EFLAGS */

    .data
    .balign 8
gdt32:
    .quad 0
    .quad 0x00cf9b000000ffff        /* 0x08: flat 32-bit code */
    .quad 0x00cf93000000ffff        /* 0x10: flat data */
gdt32_desc:
    .word gdt32_desc - gdt32 - 1
    .long gdt32

    .bss
    .balign 16
stack:
    .skip 16384
stack_top:

    .section .note.GNU-stack, "", @progbits
