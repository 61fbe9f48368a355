/* SysTick millisecond clock, sleep accounting and the console. */
#include "board.h"

#include <stdio.h>

#include "semihost.h"

#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define ICSR (*(volatile uint32_t *)0xE000ED04u)
#define ICSR_PENDSTSET (1u << 26)
#define TICKS_PER_MS (BOARD_CPU_HZ / 1000u)

/* Milliseconds since board_init(), 64-bit: the low word wraps after 49 days
 * and the clock must never go back. Written only by the interrupt. */
static volatile uint32_t ms_lo, ms_hi;
static uint64_t sleep_ticks;

void SysTick_Handler(void);
void SysTick_Handler(void)
{
    if (++ms_lo == 0)
        ms_hi++;
}

static uint64_t ms_now(void)
{
    uint32_t hi, lo;
    do {
        hi = ms_hi;
        lo = ms_lo;
    } while (hi != ms_hi);
    return (uint64_t)hi << 32 | lo;
}

void board_init(void)
{
    SYST_RVR = TICKS_PER_MS - 1u;
    SYST_CVR = 0;
    SYST_CSR = 7u; /* processor clock, interrupt, enable */
}

uint64_t board_ticks(void)
{
    uint64_t ms;
    uint32_t val, pending;
    do {
        ms = ms_now();
        val = SYST_CVR;
        pending = ICSR & ICSR_PENDSTSET;
    } while (ms != ms_now());
    /* The counter reloaded but its interrupt has not run yet (QEMU takes
     * interrupts between translation blocks): that millisecond is done. */
    if (pending && val > TICKS_PER_MS / 2u)
        ms++;
    return ms * TICKS_PER_MS + (TICKS_PER_MS - 1u - val);
}

uint64_t board_ms(void)
{
    return ms_now();
}

uint64_t board_sleep_ticks(void)
{
    return sleep_ticks;
}

void board_idle(int (*ready)(void))
{
    /* Measured with interrupts enabled on both sides, so the SysTick
     * interrupt has counted every wrap; the few instructions around the
     * WFI counted as sleep are noise next to a handshake. */
    uint64_t t0 = board_ticks();
    int slept = 0;
    __asm__ volatile("cpsid i" ::: "memory");
    if (!ready()) {
        slept = 1;
        /* WFI wakes on a pending interrupt even while PRIMASK masks it, so
         * a frame that arrived after ready() looked is not slept through. */
        __asm__ volatile("dsb\n wfi" ::: "memory");
    }
    __asm__ volatile("cpsie i\n isb" ::: "memory");
    if (slept)
        sleep_ticks += board_ticks() - t0;
}

void board_printf(const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    semihost_write(line);
}
