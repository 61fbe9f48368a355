/* Reset, vector table, fault report and the heap's sbrk for newlib. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "board.h"
#include "semihost.h"

extern uint32_t __data_load[], __data_start[], __data_end[];
extern uint32_t __bss_start[], __bss_end[];
extern uint32_t __stack_top[], __heap_start[], __heap_end[];

int main(void);
void Reset_Handler(void);
void Default_Handler(void);
void HardFault_Handler(void);
void SysTick_Handler(void);
void ETH_IRQHandler(void) __attribute__((weak, alias("Default_Handler")));
void *_sbrk(ptrdiff_t incr);

#define CPACR (*(volatile uint32_t *)0xE000ED88u)

void Reset_Handler(void)
{
    /* The FPU first: the compiler may use it anywhere after this. */
    CPACR |= 0xFu << 20;
    __asm__ volatile("dsb\n isb" ::: "memory");
    memcpy(__data_start, __data_load, (size_t)((char *)__data_end - (char *)__data_start));
    memset(__bss_start, 0, (size_t)((char *)__bss_end - (char *)__bss_start));
    semihost_exit(main());
}

/* Print where it happened and stop: a fault is a test failure, not a hang. */
void HardFault_Handler(void)
{
    uint32_t *sp;
    __asm__ volatile("mrs %0, msp" : "=r"(sp));
    board_printf("\nFATAL: hard fault, pc=0x%08lx lr=0x%08lx cfsr=0x%08lx\n",
                 (unsigned long)sp[6], (unsigned long)sp[5],
                 (unsigned long)*(volatile uint32_t *)0xE000ED28u);
    semihost_exit(70);
}

void Default_Handler(void)
{
    board_printf("\nFATAL: unexpected interrupt\n");
    semihost_exit(71);
}

typedef void (*vector)(void);

/* 16 system exceptions, then the board's 32 interrupts (Ethernet is 13). */
__attribute__((section(".vectors"), used)) const vector vector_table[48] = {
    [0] = (vector)__stack_top,
    [1] = Reset_Handler,
    [2] = Default_Handler,   /* NMI */
    [3] = HardFault_Handler,
    [4] = HardFault_Handler, /* MemManage */
    [5] = HardFault_Handler, /* BusFault */
    [6] = HardFault_Handler, /* UsageFault */
    [11] = Default_Handler,  /* SVCall */
    [14] = Default_Handler,  /* PendSV */
    [15] = SysTick_Handler,
    [16 + 13] = ETH_IRQHandler,
};

/* newlib's malloc grows the heap here, between .bss and the stack. */
__attribute__((used)) void *_sbrk(ptrdiff_t incr)
{
    static char *brk = (char *)__heap_start;
    if (incr < 0 || (size_t)incr > (size_t)((char *)__heap_end - brk)) {
        errno = ENOMEM;
        return (void *)-1;
    }
    char *old = brk;
    brk += incr;
    return old;
}
