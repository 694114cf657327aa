/* Sizes shared by C and assembly. */
#ifndef HYP_LAYOUT_H
#define HYP_LAYOUT_H

#define HYP_STACK_SIZE 0x4000   /* per pCPU; trap handlers are shallow, printk buffers dominate */

#endif
