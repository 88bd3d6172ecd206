/* Atomic picture files: a temporary file beside the target, renamed over it at the end,
 * so that a failed or interrupted render leaves no file and never a half-written one. */
#include "picture.h"

#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

int pic_kind_from_path(const char *path, pic_kind *kind)
{
    const char *dot = strrchr(path, '.');
    if (dot && strcasecmp(dot, ".png") == 0)
        *kind = PIC_PNG;
    else if (dot && strcasecmp(dot, ".svg") == 0)
        *kind = PIC_SVG;
    else
        return -1;
    return 0;
}

int pic_tmp_open(const char *path, char *tmp, size_t tmplen, char *errbuf, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(errbuf, errlen, "'%s' is a directory", path);
        return -1;
    }
    if ((size_t)snprintf(tmp, tmplen, "%s.tmp-XXXXXX", path) >= tmplen) {
        snprintf(errbuf, errlen, "path too long: '%s'", path);
        return -1;
    }
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(errbuf, errlen, "cannot create a file beside '%s': %s", path, strerror(errno));
        return -1;
    }
    cli_tmp_watch(tmp);
    fchmod(fd, 0644);
    close(fd);
    return 0;
}

int pic_tmp_commit(const char *tmp, const char *path, char *errbuf, size_t errlen)
{
    if (rename(tmp, path) != 0) {
        snprintf(errbuf, errlen, "cannot write '%s': %s", path, strerror(errno));
        pic_tmp_abort(tmp);
        return -1;
    }
    cli_tmp_unwatch(tmp); /* after the rename: a signal in between unlinks a name now gone */
    return 0;
}

void pic_tmp_abort(const char *tmp)
{
    unlink(tmp);
    cli_tmp_unwatch(tmp);
}

static void put_escaped(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        default: fputc(*s, f);
        }
    }
}

/* cairo writes SVG text as glyph outlines; a <title> and a <desc> keep the words findable
 * (and read by screen readers).  Rewrites the temporary file with both inserted right
 * after the opening <svg ...> tag. */
int pic_svg_add_text(const char *tmp, const char *title, const char *desc, char *errbuf,
                     size_t errlen)
{
    FILE *f = fopen(tmp, "rb");
    char *buf = NULL;
    long n = -1;
    if (f && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n)
        buf[n] = '\0';
    else
        n = -1;
    if (f)
        fclose(f);
    char *svg = n >= 0 ? strstr(buf, "<svg") : NULL;
    char *end = svg ? strchr(svg, '>') : NULL;
    if (!end) {
        free(buf);
        snprintf(errbuf, errlen, "cannot read back the SVG written to '%s'", tmp);
        return -1;
    }
    f = fopen(tmp, "wb");
    int bad = !f;
    if (f) {
        size_t head = (size_t)(end + 1 - buf);
        bad |= fwrite(buf, 1, head, f) != head;
        fputs("\n<title>", f);
        put_escaped(f, title);
        fputs("</title>\n<desc>", f);
        put_escaped(f, desc);
        fputs("</desc>", f);
        bad |= fwrite(end + 1, 1, (size_t)n - head, f) != (size_t)n - head;
        bad |= ferror(f) != 0;
        bad |= fclose(f) != 0;
    }
    free(buf);
    if (bad)
        snprintf(errbuf, errlen, "cannot write '%s': %s", tmp, strerror(errno));
    return bad ? -1 : 0;
}
