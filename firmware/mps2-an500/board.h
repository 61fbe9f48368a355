/*
 * The mps2-an500 board (QEMU): Cortex-M7 at 25 MHz, SysTick clock, LAN9118
 * Ethernet, console and host services over semihosting.
 */
#ifndef BOARD_H
#define BOARD_H

#include <stdarg.h>
#include <stdint.h>

#define BOARD_CPU_HZ 25000000u

void board_init(void);

/* SysTick ticks at BOARD_CPU_HZ since board_init(), 64-bit (the 24-bit
 * counter's wraps are counted by its interrupt, one per millisecond). */
uint64_t board_ticks(void);
uint64_t board_ms(void);

/* Ticks spent asleep (WFI) since board_init(): with QEMU -icount the
 * instructions executed are (ticks - sleep ticks) * (1e9 / BOARD_CPU_HZ). */
uint64_t board_sleep_ticks(void);

/* Sleeps until the next interrupt (SysTick or Ethernet) unless work is
 * already pending, i.e. ready() returns nonzero with interrupts masked. */
void board_idle(int (*ready)(void));

/* Console (semihosting): printf-style, one line at a time is fine. */
void board_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* BOARD_H */
