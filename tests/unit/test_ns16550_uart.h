/* tests/unit/test_ns16550_uart.c: the 8250/16550 console driver; returns the number of failed checks. */
int test_ns16550_uart(void);
