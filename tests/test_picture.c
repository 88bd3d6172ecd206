/* Pictures: the patch drawing against the analytic blurred-disc profile and conservation of
 * pigment, the curves figure, SVG text, and atomic output. */
#include "picture.h"
#include "cli.h"
#include "test_util.h"

#include <cairo.h>
#include <math.h>
#include <stdint.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* fontconfig (behind cairo's and pango's text) keeps its font cache for the life of the
 * process by design; AddressSanitizer's leak checker reads this hook. */
static const pic_rgb SKIN = {200, 160, 130}, DOT = {40, 45, 55};

/* Frames on an exact lattice (jitter 0) with a dot at each patch centre. */
static void frames3(pic_patch_frame f[3])
{
    for (int k = 0; k < 3; k++)
        f[k] = (pic_patch_frame){.label = "year 0", .caption = "ΔE00 0.0", .skin = SKIN,
                                 .dot = DOT, .sigma_mm = 0.02, .dot_diameter_mm = 0.8,
                                 .spacing_mm = 2.0, .strength = 1.0, .jitter = 0.0};
    f[1].label = "year 5";
    f[1].sigma_mm = 0.25;
    f[2].label = "year 10";
    f[2].strength = 0.5;
}

typedef struct {
    cairo_surface_t *s;
    unsigned char *data;
    int w, h, stride;
} image;

static image load_png(const char *path)
{
    image im = {cairo_image_surface_create_from_png(path), NULL, 0, 0, 0};
    assert_int_equal(cairo_surface_status(im.s), CAIRO_STATUS_SUCCESS);
    cairo_surface_flush(im.s);
    im.data = cairo_image_surface_get_data(im.s);
    im.w = cairo_image_surface_get_width(im.s);
    im.h = cairo_image_surface_get_height(im.s);
    im.stride = cairo_image_surface_get_stride(im.s);
    return im;
}

static pic_rgb pixel(const image *im, int x, int y)
{
    uint32_t v = *(const uint32_t *)(im->data + (size_t)y * (size_t)im->stride + 4 * (size_t)x);
    return (pic_rgb){(unsigned char)(v >> 16), (unsigned char)(v >> 8), (unsigned char)v};
}

static pic_rgb pixel_mm(const image *im, size_t k, double x_mm, double y_mm)
{
    double x, y;
    pic_patch_point_px(k, x_mm, y_mm, &x, &y);
    return pixel(im, (int)floor(x), (int)floor(y));
}

/* Each channel within tol of skin + a (dot - skin). */
static void expect_blend(pic_rgb got, double a, int tol)
{
    double want[3] = {SKIN.r + a * (DOT.r - SKIN.r), SKIN.g + a * (DOT.g - SKIN.g),
                      SKIN.b + a * (DOT.b - SKIN.b)};
    int have[3] = {got.r, got.g, got.b};
    for (int c = 0; c < 3; c++)
        if (fabs(have[c] - want[c]) > tol)
            fail_msg("channel %d: %d, expected %.1f (alpha %.3f)", c, have[c], want[c], a);
}

/* Pigment in the lattice cell around frame k's centre dot, in mm^2 of full-strength dot:
 * sum of alpha over pixels, alpha read back from the red channel. */
static double pigment_mm2(const image *im, size_t k, double spacing_mm)
{
    double x0, y0, x1, y1, sum = 0;
    pic_patch_point_px(k, 4 - spacing_mm / 2, 4 - spacing_mm / 2, &x0, &y0);
    pic_patch_point_px(k, 4 + spacing_mm / 2, 4 + spacing_mm / 2, &x1, &y1);
    for (int y = (int)y0; y < (int)y1; y++)
        for (int x = (int)x0; x < (int)x1; x++)
            sum += (SKIN.r - pixel(im, x, y).r) / (double)(SKIN.r - DOT.r);
    return sum / (PIC_PX_PER_MM * PIC_PX_PER_MM);
}

static void test_blurred_disc_profile(void **state)
{
    (void)state;
    /* Centre of a blurred disc: 1 - exp(-R^2 / 2 s^2), in closed form. */
    double cases[][2] = {{0.4, 0.02}, {0.4, 0.25}, {0.4, 0.6}, {0.1, 1.0}};
    for (size_t i = 0; i < 4; i++) {
        double R = cases[i][0], s = cases[i][1];
        assert_float_equal(pic_blurred_disc(0, R, s), 1 - exp(-R * R / (2 * s * s)), 1e-6);
        /* Conservation: the integral over the plane is the disc's area pi R^2. */
        double area = 0, h = (R + 10 * s) / 4000;
        for (int j = 0; j < 4000; j++) {
            double r = (j + 0.5) * h;
            area += 2 * M_PI * r * pic_blurred_disc(r, R, s) * h;
        }
        assert_float_equal(area, M_PI * R * R, 2e-3 * M_PI * R * R);
    }
    assert_float_equal(pic_blurred_disc(0.39, 0.4, 0), 1.0, 0);
    assert_float_equal(pic_blurred_disc(0.41, 0.4, 0), 0.0, 0);
}

static void test_patch_png(void **state)
{
    (void)state;
    pic_patch_frame f[3];
    frames3(f);
    char err[256] = "";
    char *path = test_temp_path(".png");
    if (pic_render_patch(path, PIC_PNG, f, 3, "Test patch", err, sizeof err) != 0)
        fail_msg("%s", err);
    image im = load_png(path);
    int w, h;
    pic_patch_size(3, &w, &h);
    assert_int_equal(im.w, w);
    assert_int_equal(im.h, h);

    /* Sharp dot at full strength: the centre is the dot colour, midway is skin. */
    expect_blend(pixel_mm(&im, 0, 4, 4), 1.0, 1);
    expect_blend(pixel_mm(&im, 0, 5, 5), 0.0, 1);
    /* Blurred: the centre holds 1 - exp(-R^2/2s^2) of the pigment; midway still skin. */
    expect_blend(pixel_mm(&im, 1, 4, 4), 1 - exp(-0.16 / (2 * 0.0625)), 3);
    expect_blend(pixel_mm(&im, 1, 5, 5), 0.0, 1);
    assert_true(pixel_mm(&im, 1, 4, 4).r > pixel_mm(&im, 0, 4, 4).r + 20);
    /* Half strength: half way between skin and dot. */
    expect_blend(pixel_mm(&im, 2, 4, 4), 0.5, 1);

    /* Blur spreads the same pigment: per lattice cell it is pi R^2 either way. */
    double area = M_PI * 0.4 * 0.4;
    assert_float_equal(pigment_mm2(&im, 0, 2.0), area, 0.03 * area);
    assert_float_equal(pigment_mm2(&im, 1, 2.0), area, 0.03 * area);
    assert_float_equal(pigment_mm2(&im, 2, 2.0), 0.5 * area, 0.03 * area);
    cairo_surface_destroy(im.s);
    unlink(path);
    free(path);
}

static void test_patch_svg_has_words(void **state)
{
    (void)state;
    pic_patch_frame f[3];
    frames3(f);
    f[0].jitter = 0.15;
    char err[256] = "";
    char *path = test_temp_path(".svg");
    if (pic_render_patch(path, PIC_SVG, f, 3, "Scalp <patch> & dots", err, sizeof err) != 0)
        fail_msg("%s", err);
    char *text = test_read_file(path);
    assert_non_null(text);
    assert_true(strncmp(text, "<?xml", 5) == 0 || strncmp(text, "<svg", 4) == 0);
    assert_non_null(strstr(text, "<title>Scalp &lt;patch&gt; &amp; dots</title>"));
    assert_non_null(strstr(text, "year 5"));
    assert_non_null(strstr(text, "year 10"));
    assert_non_null(strstr(text, "#282d37"));
    assert_non_null(strstr(text, "</svg>"));
    free(text);
    unlink(path);
    free(path);
}

static void expect_no_temp_left(const char *dir)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "ls %s | grep -c tmp- >/dev/null", dir);
    assert_int_not_equal(system(cmd), 0);
}

static void test_failures_leave_no_file(void **state)
{
    (void)state;
    pic_patch_frame f[3];
    frames3(f);
    char err[256] = "";
    assert_int_equal(pic_render_patch("/nonexistent-dir/p.png", PIC_PNG, f, 3, "t", err,
                                      sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent-dir/p.png"));
    struct stat st;
    assert_int_not_equal(stat("/nonexistent-dir/p.png", &st), 0);

    /* A bad frame fails before anything is written; an existing file stays as it was. */
    char dir[] = "/tmp/smpf-test-pic-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/old.png", dir);
    FILE *fp = fopen(path, "w");
    fputs("old", fp);
    fclose(fp);
    f[1].strength = 1.5;
    err[0] = '\0';
    assert_int_equal(pic_render_patch(path, PIC_PNG, f, 3, "t", err, sizeof err), -1);
    assert_non_null(strstr(err, "frame 2: strength"));
    char *text = test_read_file(path);
    assert_string_equal(text, "old");
    free(text);
    pic_plot bad = {.title = "t", .years_max = 10, .npanels = 1};
    assert_int_equal(pic_plot_curves(path, PIC_PNG, &bad, err, sizeof err), -1);
    text = test_read_file(path);
    assert_string_equal(text, "old");
    free(text);
    expect_no_temp_left(dir);
    unlink(path);
    rmdir(dir);

    pic_kind kind;
    assert_int_equal(pic_kind_from_path("a/b.PNG", &kind), 0);
    assert_int_equal(kind, PIC_PNG);
    assert_int_equal(pic_kind_from_path("b.svg", &kind), 0);
    assert_int_equal(kind, PIC_SVG);
    assert_int_equal(pic_kind_from_path("b.pdf", &kind), -1);
}

/* Killed while a picture and an output are both half-written: neither temporary file
 * stays, and the old files are as they were. */
static void test_interrupted_leaves_no_temp(void **state)
{
    (void)state;
    char dir[] = "/tmp/smpf-test-pic-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char png[128], json[128];
    snprintf(png, sizeof png, "%s/plot.png", dir);
    snprintf(json, sizeof json, "%s/out.json", dir);
    FILE *fp = fopen(png, "w");
    fputs("old", fp);
    fclose(fp);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char tmp[256], err[256];
        cli_common common = {.output = json};
        cli_out out;
        if (pic_tmp_open(png, tmp, sizeof tmp, err, sizeof err) != 0 ||
            cli_out_open("test", &common, &out) != 0)
            _exit(10);
        FILE *half = fopen(tmp, "w");
        fputs("half a picture", half);
        fclose(half);
        fputs("{\"half\":", out.fp);
        fflush(out.fp);
        raise(SIGTERM);
        _exit(11); /* not reached: the handler re-raises with the default action */
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGTERM)
        fail_msg("child status %d", status);
    expect_no_temp_left(dir);
    char *text = test_read_file(png);
    assert_string_equal(text, "old");
    free(text);
    struct stat st;
    assert_int_not_equal(stat(json, &st), 0);
    unlink(png);
    rmdir(dir);
}

/* Synthetic curves: exponential fading with a band, a rising drift, two touch-ups. */
enum { NPT = 41 };
typedef struct {
    double years[NPT], frac[NPT], lo[NPT], hi[NPT], contrast[NPT], de[NPT], hue[NPT];
    double touchups[2];
} curves;

static void synthetic_plot(curves *c, pic_plot *p)
{
    for (int i = 0; i < NPT; i++) {
        double t = 10.0 * i / (NPT - 1);
        c->years[i] = t;
        c->frac[i] = exp(-t / 6);
        c->lo[i] = exp(-t / 4);
        c->hi[i] = exp(-t / 9);
        c->contrast[i] = 0.9 * exp(-t / 5);
        c->de[i] = 1.5 * t;
        c->hue[i] = 250 - 2 * t;
    }
    c->touchups[0] = 3.5;
    c->touchups[1] = 7.0;
    *p = (pic_plot){.title = "Synthetic fading #1", .years_max = 10,
                    .touchup_years = c->touchups, .ntouchups = 2, .npanels = 2,
                    .width_px = 900, .height_px = 420};
    p->panel[0] = (pic_panel){.title = "remaining pigment", .y_label = "fraction of healed",
                              .y_min = 0, .y_max = 1.05, .nseries = 2};
    p->panel[0].series[0] = (pic_series){"fraction remaining", c->years, c->frac, c->lo, c->hi,
                                         NPT, {0, 90, 200}, 0};
    p->panel[0].series[1] = (pic_series){"contrast", c->years, c->contrast, NULL, NULL, NPT,
                                         {220, 90, 0}, 1};
    p->panel[1] = (pic_panel){.title = "colour drift", .y_label = "ΔE00 from healed",
                              .nseries = 1};
    p->panel[1].series[0] = (pic_series){"ΔE00", c->years, c->de, NULL, NULL, NPT,
                                         {0, 150, 60}, 0};
}

static void test_plot_png_and_svg(void **state)
{
    (void)state;
    curves c;
    pic_plot p;
    synthetic_plot(&c, &p);
    char err[256] = "";
    char *png = test_temp_path(".png"), *svg = test_temp_path(".svg");
    if (pic_plot_curves(png, PIC_PNG, &p, err, sizeof err) != 0)
        fail_msg("%s", err);
    image im = load_png(png);
    assert_int_equal(im.w, 900);
    assert_int_equal(im.h, 420);
    /* Not uniform: the first series' colour (within antialiasing) appears, and so does
     * the background white. */
    int series = 0, white = 0;
    for (int y = 0; y < im.h; y++)
        for (int x = 0; x < im.w; x++) {
            pic_rgb q = pixel(&im, x, y);
            series += abs(q.r - 0) < 12 && abs(q.g - 90) < 12 && abs(q.b - 200) < 12;
            white += q.r == 255 && q.g == 255 && q.b == 255;
        }
    assert_true(series > 100);
    assert_true(white > im.w * im.h / 4);
    cairo_surface_destroy(im.s);
    unlink(png);
    free(png);

    if (pic_plot_curves(svg, PIC_SVG, &p, err, sizeof err) != 0)
        fail_msg("%s", err);
    char *text = test_read_file(svg);
    assert_non_null(text);
    assert_true(strncmp(text, "<?xml", 5) == 0 || strncmp(text, "<svg", 4) == 0);
    assert_non_null(strstr(text, "Synthetic fading #1"));
    assert_non_null(strstr(text, "(b) colour drift"));
    free(text);
    unlink(svg);
    free(svg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blurred_disc_profile),
        cmocka_unit_test(test_patch_png),
        cmocka_unit_test(test_patch_svg_has_words),
        cmocka_unit_test(test_failures_leave_no_file),
        cmocka_unit_test(test_interrupted_leaves_no_temp),
        cmocka_unit_test(test_plot_png_and_svg),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
