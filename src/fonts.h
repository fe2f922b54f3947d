/* fonts.h — font roles through the project's own fontconfig setup.
 *
 * Owns the one piece of process-wide state tongbao has: the FcConfig built
 * from the system configuration plus fonts/tongbao.conf.  It is made current
 * before Pango starts, so Pango never loads the system setup a second time in
 * a background thread.  After fonts_init it is read-only; every render
 * context makes its own Pango font map on top of it (font maps are not
 * thread-safe, the FcConfig is once built). */
#ifndef TB_FONTS_H
#define TB_FONTS_H

#include <pango/pango.h>
#include "util.h"

/* Roles a template may name. */
#define FONTS_N_ROLES 5
extern const char *const fonts_roles[FONTS_N_ROLES];

/* Build and install the configuration.  data_dir holds fonts/tongbao.conf;
 * $TONGBAO_FONTS_CONF overrides the file.  Idempotent. */
int fonts_init(const char *data_dir, err *e);
/* The fontconfig file fonts_init loaded, or NULL before it did. */
const char *fonts_config_file(void);
void fonts_cleanup(void);

/* A new Pango font map on the shared configuration (caller unrefs). */
PangoFontMap *fonts_new_fontmap(void);

/* Family name Pango is asked for a role ("tongbao-fangsong"). */
const char *fonts_role_family(const char *role);
/* The office face of a role, as offices name it ("仿宋_GB2312"); the first
 * role's for an unknown one.  Needs no fonts_init (the .docx names faces,
 * it does not embed them). */
const char *fonts_role_official(const char *role);

typedef struct {
    char family[128], style[64], file[512];
    int official;              /* the office face, not a free stand-in */
    char official_name[64];    /* what offices install, e.g. 仿宋_GB2312 */
} fonts_face;

/* The face fontconfig picks for a role. 0 / -1 (role unknown or no font). */
int fonts_resolve(const char *role, fonts_face *out);

#endif
