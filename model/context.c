/* The shared, read-only context: CIE 1931 2° observer and D65 illuminant from
 * colord-data (read with Little CMS's CGATS parser), the tristimulus weights on the
 * model grid, and the sRGB transform. */
#include "context.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_CIE_DIR "/usr/share/colord"
#define CMF_FILE "cmf/CIE1931-2deg-XYZ.cmf"
#define D65_FILE "illuminant/CIE-D65.sp"

/* Loads a CGATS table with exactly nsets sets and resamples each onto the model grid. */
static int load_on_grid(const char *dir, const char *file, size_t nsets,
                        double out[][SMPF_NWL], smpf_error_t *err)
{
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, file) >= sizeof path)
        return smpf_error_set(err, SMPF_ERR_USAGE, "CIE data directory name too long");
    smpf_cgats_t *c;
    int rc = smpf_cgats_load(path, &c, err);
    if (rc != SMPF_OK)
        return rc;
    if (smpf_cgats_sets(c) != nsets)
        rc = smpf_error_set(err, SMPF_ERR_DATA, "%s: expected %zu data sets, found %zu", path,
                            nsets, smpf_cgats_sets(c));
    for (size_t s = 0; rc == SMPF_OK && s < nsets; s++) {
        rc = smpf_resample(smpf_cgats_wavelengths_nm(c), smpf_cgats_values(c, s),
                           smpf_cgats_bands(c), 0.0, out[s], err);
        if (rc != SMPF_OK)
            smpf_error_prefix(err, "%s: ", path);
    }
    smpf_cgats_free(c);
    return rc;
}

static int make_srgb_transform(smpf_context_t *ctx, smpf_error_t *err)
{
    ctx->lcms = cmsCreateContext(NULL, NULL);
    if (!ctx->lcms)
        return smpf_error_set(err, SMPF_ERR_NOMEM, "cannot create a Little CMS context");
    cmsHPROFILE xyz = cmsCreateXYZProfileTHR(ctx->lcms);
    cmsHPROFILE srgb = cmsCreate_sRGBProfileTHR(ctx->lcms);
    if (xyz && srgb)
        /* No cache: the transform is then safe to share between threads. */
        ctx->to_srgb = cmsCreateTransformTHR(ctx->lcms, xyz, TYPE_XYZ_DBL, srgb, TYPE_RGB_DBL,
                                             INTENT_RELATIVE_COLORIMETRIC, cmsFLAGS_NOCACHE);
    if (xyz)
        cmsCloseProfile(xyz);
    if (srgb)
        cmsCloseProfile(srgb);
    if (!ctx->to_srgb)
        return smpf_error_set(err, SMPF_ERR_FAILURE, "cannot create the XYZ to sRGB transform");
    return SMPF_OK;
}

int smpf_context_new(const char *cie_dir, smpf_context_t **out, smpf_error_t *err)
{
    *out = NULL;
    if (!cie_dir || !*cie_dir)
        cie_dir = getenv("SMPF_CIE_DIR");
    if (!cie_dir || !*cie_dir)
        cie_dir = DEFAULT_CIE_DIR;
    smpf_context_t *ctx = calloc(1, sizeof *ctx);
    if (!ctx || !(ctx->cie_dir = strdup(cie_dir))) {
        free(ctx);
        return smpf_error_set(err, SMPF_ERR_NOMEM, "out of memory");
    }
    double cmf[3][SMPF_NWL], d65[1][SMPF_NWL];
    int rc = load_on_grid(cie_dir, CMF_FILE, 3, cmf, err);
    if (rc == SMPF_OK)
        rc = load_on_grid(cie_dir, D65_FILE, 1, d65, err);
    if (rc == SMPF_OK) {
        double norm = 0;
        for (size_t i = 0; i < SMPF_NWL; i++)
            norm += d65[0][i] * cmf[1][i];
        if (!(norm > 0))
            rc = smpf_error_set(err, SMPF_ERR_DATA, "%s: the D65 and CMF tables give Σ S ȳ = 0",
                                cie_dir);
        for (size_t i = 0; rc == SMPF_OK && i < SMPF_NWL; i++) {
            ctx->weight_x[i] = 100.0 * d65[0][i] * cmf[0][i] / norm;
            ctx->weight_y[i] = 100.0 * d65[0][i] * cmf[1][i] / norm;
            ctx->weight_z[i] = 100.0 * d65[0][i] * cmf[2][i] / norm;
        }
    }
    if (rc == SMPF_OK)
        rc = make_srgb_transform(ctx, err);
    if (rc != SMPF_OK) {
        smpf_context_free(ctx);
        return rc;
    }
    double one[SMPF_NWL];
    for (size_t i = 0; i < SMPF_NWL; i++)
        one[i] = 1.0;
    ctx->white = smpf_color_xyz(ctx, one);
    *out = ctx;
    return SMPF_OK;
}

void smpf_context_free(smpf_context_t *ctx)
{
    if (!ctx)
        return;
    if (ctx->to_srgb)
        cmsDeleteTransform(ctx->to_srgb);
    if (ctx->lcms)
        cmsDeleteContext(ctx->lcms);
    free(ctx->cie_dir);
    free(ctx);
}

const char *smpf_context_cie_dir(const smpf_context_t *ctx) { return ctx->cie_dir; }
