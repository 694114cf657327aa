/* tests/unit/test_vuart_16550.c: the NS16550A vUART model; returns the number of failed checks. */
int test_vuart_16550(void);
