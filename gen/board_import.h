/* partita board import (gen/board_import.c). */
#ifndef PARTITA_BOARD_IMPORT_H
#define PARTITA_BOARD_IMPORT_H

/* argv: the arguments after "board import". Returns the exit status. */
int board_import_main(int argc, char **argv);

#endif
