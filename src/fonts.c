/* fonts.c — fontconfig setup and role resolution (see fonts.h). */
#include "fonts.h"

#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *const fonts_roles[FONTS_N_ROLES] = {"fangsong", "xiaobiaosong", "heiti", "kaiti", "songti"};

/* Per role: the family Pango is asked for, the name offices know, and the
 * family names (any language) that count as that official face. */
static const struct {
    const char *role, *family, *official;
    const char *official_families[6];
} role_table[FONTS_N_ROLES] = {
    {"fangsong", "tongbao-fangsong", "仿宋_GB2312", {"仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", NULL}},
    {"xiaobiaosong", "tongbao-xiaobiaosong", "方正小标宋简体", {"方正小标宋简体", "FZXiaoBiaoSong-B05S", "方正小标宋_GBK", "FZXiaoBiaoSong-B05", NULL}},
    {"heiti", "tongbao-heiti", "黑体", {"黑体", "SimHei", NULL}},
    {"kaiti", "tongbao-kaiti", "楷体_GB2312", {"楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi", NULL}},
    {"songti", "tongbao-songti", "宋体", {"宋体", "SimSun", NULL}},
};

/* The process-wide font setup: written once under the mutex, read-only after. */
static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;
static FcConfig *config;
static char config_path[PATH_MAX];   /* the file config was loaded from */

int fonts_init(const char *data_dir, err *e) {
    pthread_mutex_lock(&init_lock);
    if (config) {
        pthread_mutex_unlock(&init_lock);
        return 0;
    }
    char path[PATH_MAX];
    const char *env = getenv("TONGBAO_FONTS_CONF");
    if (env && *env) snprintf(path, sizeof path, "%s", env);
    else snprintf(path, sizeof path, "%s/fonts/tongbao.conf", data_dir ? data_dir : ".");
    if (access(path, R_OK) != 0) {
        pthread_mutex_unlock(&init_lock);
        return err_set(e, TB_EFONT, path, 0, 0, "font configuration not found; set TONGBAO_HOME to tongbao's directory or TONGBAO_FONTS_CONF to the file");
    }
    /* No FcInit(): it would load the system's configuration and scan its
     * fonts (a quarter of a cold render) only for ours to replace it. */
    FcConfig *c = FcConfigCreate();
    if (!c) {
        pthread_mutex_unlock(&init_lock);
        return err_set(e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
    }
    /* Only our file: it names the font and cache directories itself, and
     * the system's rule files (antialiasing, hinting, language defaults for
     * screens) are no use for print and cost most of the start-up time. */
    if (!FcConfigParseAndLoad(c, (const FcChar8 *)path, FcTrue) ||
        !FcConfigBuildFonts(c)) {
        FcConfigDestroy(c);
        pthread_mutex_unlock(&init_lock);
        return err_set(e, TB_EFONT, path, 0, 0, "cannot load the font configuration (see fontconfig's message above)");
    }
    if (!FcConfigSetCurrent(c)) {
        FcConfigDestroy(c);
        pthread_mutex_unlock(&init_lock);
        return err_set(e, TB_EFONT, path, 0, 0, "cannot install the font configuration");
    }
    config = c;
    snprintf(config_path, sizeof config_path, "%s", path);
    pthread_mutex_unlock(&init_lock);
    return 0;
}

const char *fonts_config_file(void) {
    pthread_mutex_lock(&init_lock);
    const char *p = config ? config_path : NULL;
    pthread_mutex_unlock(&init_lock);
    return p;
}

void fonts_cleanup(void) {
    pthread_mutex_lock(&init_lock);
    /* FcConfigSetCurrent holds a reference; dropping ours is enough. */
    if (config) FcConfigDestroy(config);
    config = NULL;
    pthread_mutex_unlock(&init_lock);
}

PangoFontMap *fonts_new_fontmap(void) {
    PangoFontMap *fm = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
    if (!fm) return NULL;
    /* No pango_fc_font_map_set_config: fonts_init made our configuration
     * fontconfig's current one, which a font map without its own uses, and
     * setting it cleared the new map's caches and listed every family for
     * nothing (2.6 million instructions of a cold render). */
    /* 72 dpi: one Pango point is one PDF point (the default of 96 would scale
     * every size by 4/3 and break the 28-character arithmetic). */
    pango_cairo_font_map_set_resolution(PANGO_CAIRO_FONT_MAP(fm), 72.0);
    return fm;
}

const char *fonts_role_family(const char *role) {
    for (int i = 0; i < FONTS_N_ROLES; i++)
        if (role && !strcmp(role, role_table[i].role)) return role_table[i].family;
    return role_table[0].family;
}

const char *fonts_role_official(const char *role) {
    for (int i = 0; i < FONTS_N_ROLES; i++)
        if (role && !strcmp(role, role_table[i].role)) return role_table[i].official;
    return role_table[0].official;
}

int fonts_resolve(const char *role, fonts_face *out) {
    memset(out, 0, sizeof *out);
    int r = -1;
    for (int i = 0; i < FONTS_N_ROLES; i++)
        if (!strcmp(role, role_table[i].role)) r = i;
    if (r < 0 || !config) return -1;
    snprintf(out->official_name, sizeof out->official_name, "%s", role_table[r].official);
    FcPattern *p = FcPatternCreate();
    if (!p) return -1;
    FcPatternAddString(p, FC_FAMILY, (const FcChar8 *)role_table[r].family);
    FcConfigSubstitute(config, p, FcMatchPattern);
    FcDefaultSubstitute(p);
    FcResult res;
    FcPattern *m = FcFontMatch(config, p, &res);
    FcPatternDestroy(p);
    if (!m) return -1;
    FcChar8 *s;
    if (FcPatternGetString(m, FC_FAMILY, 0, &s) == FcResultMatch) snprintf(out->family, sizeof out->family, "%s", (char *)s);
    if (FcPatternGetString(m, FC_STYLE, 0, &s) == FcResultMatch) snprintf(out->style, sizeof out->style, "%s", (char *)s);
    if (FcPatternGetString(m, FC_FILE, 0, &s) == FcResultMatch) snprintf(out->file, sizeof out->file, "%s", (char *)s);
    for (int k = 0; FcPatternGetString(m, FC_FAMILY, k, &s) == FcResultMatch; k++)
        for (int j = 0; role_table[r].official_families[j]; j++)
            if (!strcmp((char *)s, role_table[r].official_families[j])) out->official = 1;
    FcPatternDestroy(m);
    return 0;
}
