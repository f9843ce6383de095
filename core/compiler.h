/*
 * core/compiler.h: compiler hints shared inside the library (internal).
 */
#ifndef OZK_CORE_COMPILER_H
#define OZK_CORE_COMPILER_H

#define OZK__PRAGMA(x) _Pragma(#x)
/* Fully unroll the loop that follows (at most n iterations). The limb and lane loops of the
 * field kernel and Keccak must be straight-line code for the compiler to keep their values in
 * registers; at -O2 GCC otherwise leaves them rolled and spills. */
#if defined(__clang__)
#define OZK__UNROLL(n) OZK__PRAGMA(unroll n)
#elif defined(__GNUC__)
#define OZK__UNROLL(n) OZK__PRAGMA(GCC unroll n)
#else
#define OZK__UNROLL(n)
#endif

#endif
