/* partita console: the host side of the hypervisor's mux console (gen/console.c). */
#ifndef PARTITA_CONSOLE_H
#define PARTITA_CONSOLE_H

/* argv: the arguments after "console". Returns the exit status. */
int console_main(int argc, char **argv);

#endif
