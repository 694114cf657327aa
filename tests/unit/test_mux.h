/* tests/unit/test_mux.c: the console mux framing; returns the number of failed checks. */
int test_mux(void);
