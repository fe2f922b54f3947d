/* cli_nightly.c — `tongbao nightly`: the unattended batch over an inbox.
 * (Being written: issue 4.) */
#include <stdio.h>

#include "cli.h"

int cli_nightly(int argc, char **argv) {
    (void)argc;
    (void)argv;
    fprintf(stderr, "tongbao: nightly is not available yet\n");
    return TB_EUSAGE;
}
