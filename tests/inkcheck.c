/* inkcheck.c — owns the ink measurements of the page tests: where a page
 * really has ink, which `pdftotext -bbox` cannot tell (its boxes come from
 * font metrics).
 *
 *   pdftoppm -r 254 -f P -l P FILE.pdf OUT     (254 dpi: 10 pixels a mm)
 *   inkcheck [--red] OUT-P.ppm XA-XB[:YA-YB] ...
 *
 * For every range XA-XB (mm from the page's left edge; YA-YB limits the
 * rows looked at, mm from the top) it prints one line, "RANGE TOP BOTTOM"
 * in mm from the page's top: the first and the last pixel row with ink
 * between those columns, or "RANGE none".  Ink is a
 * pixel darker than mid-grey; with --red, a red one (the 版头 rule and
 * mark: red above 150, green and blue below 100).  Reads binary PPM (P6)
 * or PGM (P5) with maxval 255.  Exit status 0, or 2 on bad input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int read_int(FILE *f, int *v) {
    int c;
    do {
        c = fgetc(f);
        if (c == '#')
            while (c != '\n' && c != EOF) c = fgetc(f);
    } while (c == ' ' || c == '\n' || c == '\r' || c == '\t');
    if (c < '0' || c > '9') return -1;
    *v = 0;
    while (c >= '0' && c <= '9') {
        if (*v > 100000) return -1;
        *v = *v * 10 + (c - '0');
        c = fgetc(f);
    }
    return 0;
}

int main(int argc, char **argv) {
    int red = 0, a = 1;
    if (a < argc && !strcmp(argv[a], "--red")) red = 1, a++;
    if (a + 1 >= argc) {
        fputs("usage: inkcheck [--red] PAGE.ppm XA-XB[:YA-YB] ...   (pdftoppm -r 254: 10 px a mm)\n", stderr);
        return 2;
    }
    FILE *f = fopen(argv[a], "rb");
    if (!f) {
        perror(argv[a]);
        return 2;
    }
    char magic[3] = {0};
    int w, h, maxv;
    if (fread(magic, 1, 2, f) != 2 || magic[0] != 'P' || (magic[1] != '5' && magic[1] != '6') || read_int(f, &w) ||
        read_int(f, &h) || read_int(f, &maxv) || maxv != 255 || w <= 0 || h <= 0) {
        fprintf(stderr, "inkcheck: %s: not a binary PPM/PGM with maxval 255\n", argv[a]);
        fclose(f);
        return 2;
    }
    size_t ch = magic[1] == '6' ? 3 : 1, n = (size_t)w * (size_t)h * ch;
    unsigned char *px = malloc(n);
    if (!px || fread(px, 1, n, f) != n) {
        fprintf(stderr, "inkcheck: %s: short image\n", argv[a]);
        free(px);
        fclose(f);
        return 2;
    }
    fclose(f);
    for (int k = a + 1; k < argc; k++) {
        double xa, xb, ya = 0, yb = h / 10.0;
        int got = sscanf(argv[k], "%lf-%lf:%lf-%lf", &xa, &xb, &ya, &yb);
        if ((got != 2 && got != 4) || xa < 0 || xb < xa || ya < 0 || yb < ya) {
            fprintf(stderr, "inkcheck: %s: want XA-XB or XA-XB:YA-YB in mm\n", argv[k]);
            free(px);
            return 2;
        }
        int c0 = (int)(xa * 10), c1 = (int)(xb * 10), r0 = (int)(ya * 10), r1 = (int)(yb * 10);
        if (c1 > w) c1 = w;
        if (r1 > h) r1 = h;
        int top = -1, bottom = -1;
        for (int y = r0; y < r1; y++)
            for (int x = c0; x < c1; x++) {
                const unsigned char *p = px + ((size_t)y * (size_t)w + (size_t)x) * ch;
                int ink = ch == 1 ? (!red && p[0] < 128)
                                  : red ? (p[0] > 150 && p[1] < 100 && p[2] < 100) : (p[0] + p[1] + p[2] < 3 * 128);
                if (ink) {
                    if (top < 0) top = y;
                    bottom = y;
                    break;
                }
            }
        if (top < 0) printf("%s none\n", argv[k]);
        else printf("%s %.1f %.1f\n", argv[k], top / 10.0, (bottom + 1) / 10.0);
    }
    free(px);
    return 0;
}
