/* ARM PrimeCell UART (PL011) registers, for the PL011 console driver (drivers/pl011.c) and the vUART. */
#ifndef HYP_PL011_H
#define HYP_PL011_H

#include <hyp/types.h>

#define PL011_DR     0x000
#define PL011_RSR    0x004
#define PL011_FR     0x018
#define PL011_ILPR   0x020
#define PL011_IBRD   0x024
#define PL011_FBRD   0x028
#define PL011_LCR_H  0x02c
#define PL011_CR     0x030
#define PL011_IFLS   0x034
#define PL011_IMSC   0x038
#define PL011_RIS    0x03c
#define PL011_MIS    0x040
#define PL011_ICR    0x044
#define PL011_DMACR  0x048
#define PL011_ID     0xfe0   /* PeriphID0..3, then PCellID0..3 */

#define FR_BUSY  (1u << 3)
#define FR_RXFE  (1u << 4)
#define FR_TXFF  (1u << 5)
#define FR_RXFF  (1u << 6)
#define FR_TXFE  (1u << 7)


#endif
