/* cli_history.c — `tongbao rectify` and `tongbao findings`: rectification
 * tracking over the history database.  (Being written: issue 5.) */
#include <stdio.h>

#include "cli.h"

int cli_rectify(int argc, char **argv) {
    (void)argc;
    (void)argv;
    fprintf(stderr, "tongbao: rectify is not available yet\n");
    return TB_EUSAGE;
}

int cli_findings(int argc, char **argv) {
    (void)argc;
    (void)argv;
    fprintf(stderr, "tongbao: findings is not available yet\n");
    return TB_EUSAGE;
}
