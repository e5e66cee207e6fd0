/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The Multiboot (v1) header of the -kernel guests (kernel.ld puts it first). */

#define MB_HEADER_MAGIC 0x1badb002
#define MB_FLAGS        0x00000003      /* page-aligned modules, memory info */

    .section .multiboot, "a"
    .balign 4
    .long MB_HEADER_MAGIC
    .long MB_FLAGS
    .long -(MB_HEADER_MAGIC + MB_FLAGS)

    .section .note.GNU-stack, "", @progbits
