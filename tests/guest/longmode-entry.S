/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * longmode payload entry (from bios-entry.S or a Multiboot loader, in flat
 * 32-bit protected mode with EAX = boot magic, EBX = multiboot info): our
 * GDT, a clear BSS, identity paging of 0-4 GiB with 2 MiB pages, long mode,
 * then lm_main(magic, info).  Also the APs' 64-bit entry (they come from
 * longmode-ap.S) and the interrupt stubs: 16 bytes per vector 0-48, 255.
 *
 * GDT: 0x08 64-bit code, 0x10 data, 0x18 32-bit code.
 */

#define AP_STACK_SIZE   1024
#define AP_MAX_STACKS   63          /* 64 CPUs with the BSP */

    .section .text.entry, "ax"
    .code32
    .globl entry32
entry32:
    cli
    cld
    movl %eax, %esi
    movl %ebx, %ebp
    lgdt gdt64_desc
    ljmp $0x18, $1f
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
    movl %esi, boot_magic
    movl %ebp, boot_info_addr

    /* 0-4 GiB identity-mapped with 2 MiB pages; 3-4 GiB (MMIO) uncached */
    movl $(pdpt + 3), pml4
    movl $(pd + 0x0003), pdpt
    movl $(pd + 0x1003), pdpt + 8
    movl $(pd + 0x2003), pdpt + 16
    movl $(pd + 0x3003), pdpt + 24
    xorl %ecx, %ecx
2:  movl %ecx, %eax
    shll $21, %eax
    orl $0x83, %eax                 /* present, writable, 2 MiB */
    cmpl $1536, %ecx
    jb 3f
    orl $0x18, %eax                 /* PCD, PWT */
3:  movl %eax, pd(,%ecx,8)
    incl %ecx
    cmpl $2048, %ecx
    jb 2b

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
    ljmp $0x08, $entry64

    .code64
entry64:
    movl $0x10, %eax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movw %ax, %fs
    movw %ax, %gs
    movq $stack_top, %rsp
    movl boot_magic(%rip), %edi
    movl boot_info_addr(%rip), %esi
    call lm_main
4:  cli
    hlt
    jmp 4b

    /* APs, from the trampoline: take a stack, load the IDT, check in */
    .globl ap_entry64
ap_entry64:
    movl $0x10, %eax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movl $1, %eax
    lock xaddl %eax, ap_stack_next(%rip)
    cmpl $AP_MAX_STACKS, %eax
    jae 6f
    incl %eax
    shll $10, %eax                  /* * AP_STACK_SIZE */
    movq $ap_stacks, %rsp
    addq %rax, %rsp
    lidt idt_desc64(%rip)
    lock incl ap_checked_in(%rip)
    sti
5:  hlt
    jmp 5b
6:  lock incl ap_checked_in(%rip)   /* no stack left: check in, stay off */
7:  cli
    hlt
    jmp 7b

    .macro ISR_STUB vec
    .balign 16
    .if \vec == 8 || (\vec >= 10 && \vec <= 14) || \vec == 17 || \vec == 21 || \vec == 29 || \vec == 30
    pushq $\vec                     /* the CPU pushed an error code */
    .else
    pushq $0
    pushq $\vec
    .endif
    jmp isr_common
    .endm

    .text
    .balign 16
    .globl isr_stubs
isr_stubs:
    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,255
    ISR_STUB \v
    .endr

isr_common:
    pushq %rax
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    movq %rsp, %rdi
    cld
    call isr_dispatch
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rax
    addq $16, %rsp                  /* vector, error code */
    iretq

    .data
    .balign 8
    .globl gdt64, gdt64_end
gdt64:
    .quad 0
    .quad 0x00af9b000000ffff        /* 0x08: 64-bit code */
    .quad 0x00cf93000000ffff        /* 0x10: flat data */
    .quad 0x00cf9b000000ffff        /* 0x18: flat 32-bit code */
gdt64_end:
gdt64_desc:
    .word gdt64_end - gdt64 - 1
    .long gdt64

    .bss
    .balign 4096
    .globl pml4, pdpt
pml4:
    .skip 4096
pdpt:
    .skip 4096
pd:
    .skip 4 * 4096
    .balign 16
stack:
    .skip 16384
stack_top:
ap_stacks:
    .skip AP_STACK_SIZE * AP_MAX_STACKS
    .balign 4
boot_magic:
    .skip 4
boot_info_addr:
    .skip 4
ap_stack_next:
    .skip 4
    .globl ap_checked_in
ap_checked_in:
    .skip 4

    .section .note.GNU-stack, "", @progbits
