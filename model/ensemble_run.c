/* Running an ensemble on several threads.  Sample i is drawn from (seed, i) whatever
 * thread runs it, and each thread adds into its own histograms, merged at the end: the
 * counts, and so every percentile, are the same for any number of threads or shards.
 * (The fast optics' table values depend on the setup alone, not on which samples or
 * thread filled them.) */
#include "ensemble_internal.h"
#include "projection_internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#define MAX_THREADS 256
#define PROGRESS_EVERY 16
#define CHUNK 32 /* samples of one stratum a thread takes at a time */

typedef struct {
    const smpf_context_t *ctx;
    const smpf_pigments_t *pigments;
    const smpf_tissue_t *tissue;
    const smpf_param_space_t *space;
    const smpf_project_inputs_t *in;
    uint64_t seed, first, count;
    int nthreads;
    smpf_optics_mode_t optics;
    atomic_uint_fast64_t done, next_item; /* next_item: the next chunk to take */
    atomic_int failed;
    smpf_progress_fn progress;
    void *user;
    /* Per optical stratum: the fast-optics table all threads share, and the chunks still
     * to run (the thread that runs the last one frees the table). */
    fast_shared_t *tables;
    atomic_uint_fast64_t *chunks_left;
    uint64_t chunks; /* chunks of CHUNK samples per stratum */
} shared_t;

typedef struct {
    shared_t *sh;
    int id;
    smpf_ensemble_acc_t *acc;
    smpf_param_sampler_t sampler;
    smpf_project_params_t par; /* the last sample's parameters, once have_par */
    int have_par;
    int status;
    smpf_error_t err;
} worker_t;

/* Runs sample `index`; 0 to go on. */
static int run_sample(worker_t *w, smpf_projector_t *pj, uint64_t index)
{
    shared_t *sh = w->sh;
    smpf_projection_t pr;
    if (w->have_par)
        smpf_param_sampler_redraw(&w->sampler, sh->space, sh->seed, index, &w->par);
    else
        smpf_param_sampler_draw(&w->sampler, sh->space, sh->seed, index, &w->par);
    w->have_par = 1;
    w->status = smpf_project_for_ensemble(pj, sh->in, &w->par, &pr, &w->err);
    if (w->status != SMPF_OK && pr.invisible) {
        w->status = SMPF_OK; /* counted apart, not a failure */
        smpf_ensemble_acc_add_invisible(w->acc, 1);
    } else if (w->status != SMPF_OK) {
        smpf_error_prefix(&w->err, "sample %llu: ", (unsigned long long)index);
        atomic_store(&sh->failed, 1);
        return -1;
    } else {
        smpf_ensemble_acc_add(w->acc, &pr);
    }
    smpf_projection_free(&pr);
    const uint64_t done = atomic_fetch_add(&sh->done, 1) + 1;
    if (sh->progress && (done % PROGRESS_EVERY == 0 || done == sh->count))
        sh->progress(sh->user, done, sh->count);
    return atomic_load(&sh->failed) ? -1 : 0;
}

static void *work(void *arg)
{
    worker_t *w = arg;
    shared_t *sh = w->sh;
    smpf_projector_t *pj = NULL;
    w->status = smpf_param_sampler_init(&w->sampler, &w->err);
    if (w->status == SMPF_OK)
        w->status = smpf_projector_new(sh->ctx, sh->pigments, sh->tissue, &pj, &w->err);
    if (w->status == SMPF_OK)
        smpf_projector_set_optics(pj, sh->optics);
    else
        atomic_store(&sh->failed, 1); /* the other threads stop too */
    const uint64_t K = smpf_ensemble_strata(sh->space);
    const uint64_t end = sh->first + sh->count;
    if (K == 0) {
        for (uint64_t i = sh->first + (uint64_t)w->id; w->status == SMPF_OK && i < end;
             i += (uint64_t)sh->nthreads)
            if (run_sample(w, pj, i) != 0)
                break;
    } else {
        /* Work items: chunks of CHUNK samples of one stratum (stratum k holds the samples
         * i = k mod K), stratum by stratum, taken by whichever thread is free. */
        const uint64_t chunks = sh->chunks;
        for (uint64_t item; w->status == SMPF_OK &&
                            (item = atomic_fetch_add(&sh->next_item, 1)) < K * chunks;) {
            const uint64_t k = item / chunks, c = item % chunks;
            uint64_t i = sh->first + (k + K - sh->first % K) % K + c * CHUNK * K;
            if (pj)
                projection_share_tables(pj, &sh->tables[k]);
            for (uint64_t n = 0; n < CHUNK && i < end; n++, i += K)
                if (run_sample(w, pj, i) != 0)
                    break;
            if (pj)
                projection_share_tables(pj, NULL);
            if (atomic_fetch_sub(&sh->chunks_left[k], 1) == 1)
                fast_shared_clear(&sh->tables[k]);
            if (atomic_load(&sh->failed))
                break;
        }
    }
    smpf_projector_free(pj);
    smpf_param_sampler_free(&w->sampler);
    return NULL;
}

/* The strata's shared tables and chunk counts (none without strata); *made: the slots
 * initialised, to destroy. */
static int stratum_tables(shared_t *sh, size_t *made, smpf_error_t *err)
{
    const uint64_t K = smpf_ensemble_strata(sh->space);
    *made = 0;
    if (K == 0)
        return SMPF_OK;
    const uint64_t chunks = ((sh->count + K - 1) / K + CHUNK - 1) / CHUNK; /* per stratum */
    sh->chunks = chunks;
    sh->tables = calloc(K, sizeof *sh->tables);
    sh->chunks_left = calloc(K, sizeof *sh->chunks_left);
    if (!sh->tables || !sh->chunks_left)
        return smpf_error_set(err, SMPF_ERR_NOMEM, "ensemble: out of memory");
    for (uint64_t k = 0; k < K; k++) {
        int rc = fast_shared_init(&sh->tables[k], err);
        if (rc != SMPF_OK)
            return rc;
        atomic_init(&sh->chunks_left[k], chunks);
        (*made)++;
    }
    return SMPF_OK;
}

int smpf_ensemble_run(const smpf_context_t *ctx, const smpf_pigments_t *pigments,
                      const smpf_tissue_t *tissue, const smpf_param_space_t *space,
                      const smpf_project_inputs_t *in, uint64_t seed, uint64_t first,
                      uint64_t count, int threads, smpf_ensemble_t *e,
                      smpf_progress_fn progress, void *user, smpf_error_t *err)
{
    return smpf_ensemble_run_optics(ctx, pigments, tissue, space, in, seed, first, count,
                                    threads, SMPF_OPTICS_FAST, e, progress, user, err);
}

int smpf_ensemble_run_optics(const smpf_context_t *ctx, const smpf_pigments_t *pigments,
                             const smpf_tissue_t *tissue, const smpf_param_space_t *space,
                             const smpf_project_inputs_t *in, uint64_t seed, uint64_t first,
                             uint64_t count, int threads, smpf_optics_mode_t optics,
                             smpf_ensemble_t *e, smpf_progress_fn progress, void *user,
                             smpf_error_t *err)
{
    if (threads < 1 || threads > MAX_THREADS)
        return smpf_error_set(err, SMPF_ERR_USAGE, "ensemble: %d threads (1-%d allowed)",
                              threads, MAX_THREADS);
    if ((uint64_t)threads > count)
        threads = count > 0 ? (int)count : 1;
    shared_t sh = {ctx, pigments, tissue, space, in, seed, first, count, threads, optics, 0, 0, 0,
                   progress, user, NULL, NULL, 0};
    worker_t *w = calloc((size_t)threads, sizeof *w);
    pthread_t *tid = calloc((size_t)threads, sizeof *tid);
    int rc = w && tid ? SMPF_OK : smpf_error_set(err, SMPF_ERR_NOMEM, "ensemble: out of memory");
    size_t ntables = 0;
    if (rc == SMPF_OK)
        rc = stratum_tables(&sh, &ntables, err);
    int started = 0;
    for (int t = 0; rc == SMPF_OK && t < threads; t++) {
        w[t] = (worker_t){.sh = &sh, .id = t, .status = SMPF_OK};
        rc = smpf_ensemble_acc_new(e, &w[t].acc, err);
        if (rc == SMPF_OK && pthread_create(&tid[t], NULL, work, &w[t]) != 0)
            rc = smpf_error_set(err, SMPF_ERR_FAILURE, "ensemble: cannot start thread %d", t);
        if (rc == SMPF_OK)
            started++;
    }
    if (rc != SMPF_OK)
        atomic_store(&sh.failed, 1);
    for (int t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
    for (int t = 0; t < started; t++) {
        if (rc == SMPF_OK && w[t].status != SMPF_OK) {
            *err = w[t].err;
            rc = w[t].status;
        }
        if (rc == SMPF_OK)
            rc = smpf_ensemble_acc_fold(e, w[t].acc, err);
    }
    for (int t = 0; w && t < threads; t++)
        smpf_ensemble_acc_free(w[t].acc);
    for (size_t k = 0; k < ntables; k++) { /* those of strata a failure left unfinished */
        fast_shared_clear(&sh.tables[k]);
        pthread_mutex_destroy(&sh.tables[k].lock);
    }
    free(sh.tables);
    free(sh.chunks_left);
    free(w);
    free(tid);
    return rc;
}
