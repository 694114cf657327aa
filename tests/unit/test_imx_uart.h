/* tests/unit/test_imx_uart.c: the i.MX UART console driver; returns the number of failed checks. */
int test_imx_uart(void);
