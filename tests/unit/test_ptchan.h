int test_ptchan(void);   /* tests/unit/test_ptchan.c; returns failed checks */
