/*
 * core/mont_x86_64.S: 4x64-bit Montgomery multiplication with MULX, ADCX and ADOX (internal).
 *
 *   void ozk__mont_mul_adx(uint64_t out[4], const uint64_t a[4], const uint64_t b[4],
 *                          const uint64_t m[4], uint64_t n0);
 *
 * out = a * b * 2^-256 mod m for a, b < m, m odd and < 2^255, n0 = -m^-1 mod 2^64. The same
 * CIOS schedule as ozk__mont_mul in core/mont.h (Koc, Acar, Kaliski 1996, section 4), with
 * the two independent carry chains that ADCX (carry flag) and ADOX (overflow flag) give
 * (Intel, "New Instructions Supporting Large Integer Arithmetic on Intel Architecture
 * Processors", 2012): the low halves of a row of products ride the OF chain, the high halves
 * the CF chain, so the multiplier never waits on a single carry. Needs BMI2 and ADX; the C
 * code checks CPUID before calling it (core/field_kernel.c). Time does not depend on the
 * operand values. out may alias a or b: every input is read before out is written.
 *
 * Registers: rdi out, rsi a, r9 b, rcx m, r8 n0; the running total t lives in five registers
 * T0..T4 that rotate by one each round instead of being shifted; rax/rbx hold product halves;
 * r15 = 0 feeds the end of the OF chain.
 */
    .text

/* ROUND i, T0..T4: t += a * b[i]; then t = (t + q m) / 2^64 with q = t0 * n0 mod 2^64.
 * On entry t = T0..T3 (< 2m); on exit t = T1..T4 (< 2m) and T0 = 0. */
.macro ROUND i, T0, T1, T2, T3, T4
    movq    8*\i(%r9), %rdx
    xorq    \T4, \T4                /* T4 = 0, CF = OF = 0 */
    mulxq   0(%rsi), %rax, %rbx     /* a0 b_i */
    adoxq   %rax, \T0
    adcxq   %rbx, \T1
    mulxq   8(%rsi), %rax, %rbx     /* a1 b_i */
    adoxq   %rax, \T1
    adcxq   %rbx, \T2
    mulxq   16(%rsi), %rax, %rbx    /* a2 b_i */
    adoxq   %rax, \T2
    adcxq   %rbx, \T3
    mulxq   24(%rsi), %rax, %rbx    /* a3 b_i */
    adoxq   %rax, \T3
    adcxq   %rbx, \T4               /* no carry out: t + a b_i < 2^319 */
    adoxq   %r15, \T4
    movq    \T0, %rdx
    imulq   %r8, %rdx               /* q = t0 * n0 mod 2^64 */
    xorl    %eax, %eax              /* CF = OF = 0 */
    mulxq   0(%rcx), %rax, %rbx     /* q m0: the low word cancels t0 */
    adoxq   %rax, \T0
    adcxq   %rbx, \T1
    mulxq   8(%rcx), %rax, %rbx     /* q m1 */
    adoxq   %rax, \T1
    adcxq   %rbx, \T2
    mulxq   16(%rcx), %rax, %rbx    /* q m2 */
    adoxq   %rax, \T2
    adcxq   %rbx, \T3
    mulxq   24(%rcx), %rax, %rbx    /* q m3 */
    adoxq   %rax, \T3
    adcxq   %rbx, \T4               /* no carry out: (t + q m) / 2^64 < 2m */
    adoxq   %r15, \T4
.endm

    .globl  ozk__mont_mul_adx
    .hidden ozk__mont_mul_adx
    .type   ozk__mont_mul_adx, @function
    .p2align 5
ozk__mont_mul_adx:
    .cfi_startproc
    pushq   %rbx
    .cfi_adjust_cfa_offset 8
    .cfi_offset %rbx, -16
    pushq   %r12
    .cfi_adjust_cfa_offset 8
    .cfi_offset %r12, -24
    pushq   %r13
    .cfi_adjust_cfa_offset 8
    .cfi_offset %r13, -32
    pushq   %r14
    .cfi_adjust_cfa_offset 8
    .cfi_offset %r14, -40
    pushq   %r15
    .cfi_adjust_cfa_offset 8
    .cfi_offset %r15, -48

    movq    %rdx, %r9               /* b; rdx is MULX's implicit operand */
    xorl    %r10d, %r10d            /* t = 0 */
    xorl    %r11d, %r11d
    xorl    %r12d, %r12d
    xorl    %r13d, %r13d
    xorl    %r15d, %r15d

    ROUND   0, %r10, %r11, %r12, %r13, %r14
    ROUND   1, %r11, %r12, %r13, %r14, %r10
    ROUND   2, %r12, %r13, %r14, %r10, %r11
    ROUND   3, %r13, %r14, %r10, %r11, %r12

    /* t = r14, r10, r11, r12 (< 2m). out = t - m if that does not borrow, else t. */
    movq    %r14, %rax
    subq    0(%rcx), %rax
    movq    %r10, %rbx
    sbbq    8(%rcx), %rbx
    movq    %r11, %rdx
    sbbq    16(%rcx), %rdx
    movq    %r12, %rsi
    sbbq    24(%rcx), %rsi
    cmovcq  %r14, %rax              /* borrow: t < m, keep t */
    cmovcq  %r10, %rbx
    cmovcq  %r11, %rdx
    cmovcq  %r12, %rsi
    movq    %rax, 0(%rdi)
    movq    %rbx, 8(%rdi)
    movq    %rdx, 16(%rdi)
    movq    %rsi, 24(%rdi)

    popq    %r15
    .cfi_adjust_cfa_offset -8
    .cfi_restore %r15
    popq    %r14
    .cfi_adjust_cfa_offset -8
    .cfi_restore %r14
    popq    %r13
    .cfi_adjust_cfa_offset -8
    .cfi_restore %r13
    popq    %r12
    .cfi_adjust_cfa_offset -8
    .cfi_restore %r12
    popq    %rbx
    .cfi_adjust_cfa_offset -8
    .cfi_restore %rbx
    ret
    .cfi_endproc
    .size   ozk__mont_mul_adx, .-ozk__mont_mul_adx

    .section .note.GNU-stack, "", @progbits
