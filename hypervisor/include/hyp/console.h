/*
 * The hypervisor console: the board UART, shared by the hypervisor's own messages (which start
 * with "partita: ") and the VMs' multiplexed vUART output (which starts with "[vm] ").
 * Every call prints whole lines atomically with respect to other pCPUs.
 */
#ifndef HYP_CONSOLE_H
#define HYP_CONSOLE_H

#include <hyp/types.h>

void printk(const char *fmt, ...) __printf(1, 2);
int vsnprintk(char *buf, size_t size, const char *fmt, va_list ap);
int snprintk(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/* The hypervisor's text (printk): into its console stream and its log (core/conmux.c). */
void console_write(const char *s, size_t n);
/* Unlocked output for the panic path, where the lock holder may be the one that crashed. */
void console_write_unlocked(const char *s, size_t n);
void printk_unlocked(const char *fmt, ...) __printf(1, 2);   /* the same, formatted */
/* A received byte, or -1. */
int console_getc(void);

/* core/conmux.c: the console multiplexer (streams, input focus, mux framing). */
struct vm;
void conmux_init(void);
void conmux_vm_out(struct vm *vm, uint8_t c);       /* a byte the VM wrote to its vUART */
void conmux_hyp_out(const char *s, size_t n, bool log);   /* hypervisor text; log: keep for `log` */
size_t conmux_log_copy(char *buf, size_t size);     /* the last hypervisor messages */
int conmux_vm_getc(struct vm *vm);                  /* the VM's next input byte, or -1 */
bool conmux_vm_rx_empty(struct vm *vm);
void conmux_poll_input(void);                       /* read the board UART as far as there is room */
void conmux_timer(void);                            /* the timer fired: an idle line may be due */
void conmux_vm_stopped(struct vm *vm);              /* the focus moves on if it had it */

/* core/shell.c: the hypervisor shell (keys under the input lock, commands outside it). */
#define SHELL_LINE 80
void shell_input(uint8_t c);
bool shell_take(char *buf, size_t size);
bool shell_pending(void);   /* a finished line waits for shell_take */
void shell_execute(char *command);
void shell_prompt(void);

#endif
