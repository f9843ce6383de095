/*
 * prover/prove.c: ozk_prove (docs/protocol.md section 11 is the order of everything here).
 *
 *   1. witness: integer inference on the padded tensors, the requantization integers
 *      (q, r, u, d, y) of every layer, the columns of P_A, the lookup column and the
 *      multiplicities;
 *   2. C_A = commit(P_A) (small scalars: int8, k-bit limbs, counts), absorbed after the statement;
 *   3. layers from the last to the first: requantization (prover/requant.c), then the
 *      accumulator (prover/dense.c);
 *   4. range checks (prover/range.c);
 *   5. claim batching of P_A and P_W to one point, and one joint HyperKZG opening.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ozk/batch.h"
#include "ozk/error.h"
#include "ozk/pcs.h"
#include "../verifier/pcs_internal.h"
#include "../verifier/proof_internal.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- the witness ---------------------------------------------------------------------------- */

static void witness_free(ozk__witness *w, uint32_t nlayers)
{
    if (w->t)
        for (uint32_t j = 0; j <= nlayers; j++) free(w->t[j]);
    if (w->acc)
        for (uint32_t j = 0; j < nlayers; j++) {
            free(w->acc[j]);
            free(w->u[j]);
            free(w->d[j]);
            free(w->r[j]);
        }
    free(w->t);
    free(w->acc);
    free(w->u);
    free(w->d);
    free(w->r);
    free(w->pa);
    free(w->w);
    memset(w, 0, sizeof *w);
}

static int witness_alloc(ozk__witness *w, const ozk__plan *p)
{
    memset(w, 0, sizeof *w);
    w->plan = p;
    uint32_t L = p->nlayers;
    w->t = calloc(L + 1, sizeof *w->t);
    w->acc = calloc(L, sizeof *w->acc);
    w->u = calloc(L, sizeof *w->u);
    w->d = calloc(L, sizeof *w->d);
    w->r = calloc(L, sizeof *w->r);
    w->pa = calloc((size_t)1 << p->nvars_a, sizeof *w->pa);
    w->w = calloc((size_t)1 << p->m, sizeof *w->w);
    if (!w->t || !w->acc || !w->u || !w->d || !w->r || !w->pa || !w->w) return OZK_ENOMEM;
    if (!(w->t[0] = calloc((size_t)1 << p->lv_x, sizeof **w->t))) return OZK_ENOMEM;
    for (uint32_t j = 0; j < L; j++) {
        size_t n = (size_t)1 << p->layers[j].lv_out;
        if (!(w->t[j + 1] = calloc(n, sizeof **w->t)) || !(w->acc[j] = calloc(n, sizeof **w->t)))
            return OZK_ENOMEM;
        if (!p->layers[j].requant) continue;
        if (!(w->u[j] = calloc(n, sizeof **w->t)) || !(w->d[j] = calloc(n, sizeof **w->t)) ||
            !(w->r[j] = calloc(n, sizeof **w->t)))
            return OZK_ENOMEM;
    }
    return 0;
}

/* Integer inference of layer j on the padded tensors, with its requantization integers
 * (docs/quantization.md 3.2: q, r, u, d, y). Pads have acc = 0, hence y = clamp(0) = 0. The
 * products wrap (unsigned) rather than overflow: only a tampered witness (the test hooks) can
 * leave the bounds of the preconditions, and it must not be undefined behaviour then. */
static void witness_layer(ozk__witness *w, const ozk_model *m, uint32_t j)
{
    const ozk__plan *p = w->plan;
    const ozk__plan_layer *l = &p->layers[j];
    const ozk_layer *ml = &m->layers[j];
    size_t n = (size_t)1 << l->lv_out;
    int64_t *acc = w->acc[j], *a = w->t[l->in0];
    for (size_t o = 0; o < n; o++) {
        uint64_t s = 0;
        if (l->kind == OZK_LAYER_DENSE) {
            if (o < l->n_out) {
                s = (uint64_t)(int64_t)ml->b[o];
                const int8_t *wr = ml->w + o * (size_t)l->n_in;
                for (uint32_t i = 0; i < l->n_in; i++)
                    s += (uint64_t)(int64_t)wr[i] * (uint64_t)a[i];
            }
        } else if (l->kind == OZK_LAYER_ADD) {
            s = (uint64_t)(int64_t)l->ka * (uint64_t)a[o] +
                (uint64_t)(int64_t)l->kb * (uint64_t)w->t[l->in1][o];
        } else {
            s = (uint64_t)a[o];
        }
        acc[o] = (int64_t)s;
    }
    if (!l->requant) {
        memcpy(w->t[j + 1], acc, n * sizeof *acc);
        return;
    }
    uint64_t half = (uint64_t)1 << (l->s - 1);
    for (size_t o = 0; o < n; o++) {
        /* |acc| M + 2^(s-1) <= 2^63 - 1 for an honest run: a precondition */
        int64_t v = (int64_t)((uint64_t)acc[o] * (uint64_t)l->M + half);
        int64_t q = ozk__floor_shift(v, l->s);
        w->r[j][o] = (int64_t)((uint64_t)v - ((uint64_t)q << l->s));
        w->u[j][o] = q > l->H ? (int64_t)((uint64_t)q - (uint64_t)l->H) : 0;
        w->d[j][o] = q < l->L ? (int64_t)((uint64_t)l->L - (uint64_t)q) : 0;
        w->t[j + 1][o] = (int64_t)((uint64_t)q - (uint64_t)w->u[j][o] + (uint64_t)w->d[j][o]);
    }
}

/* Limb `limb` of v in base 2^k; the top limb keeps the rest (with its sign), so that the limbs
 * always recombine to v: an out-of-range v shows in its top limb. */
static int64_t limb_of(int64_t v, uint32_t k, uint32_t limb, uint32_t nlimbs)
{
    int64_t s = v >> (k * limb); /* arithmetic */
    return limb + 1 == nlimbs ? s : (s & (((int64_t)1 << k) - 1));
}

static void witness_columns(ozk__witness *w)
{
    const ozk__plan *p = w->plan;
    for (uint32_t c = 0; c < p->ncols; c++) {
        const ozk__plan_col *col = &p->cols[c];
        const ozk__plan_layer *l = &p->layers[col->layer];
        size_t n = (size_t)1 << col->lv;
        int64_t *dst = w->pa + col->off;
        for (size_t i = 0; i < n; i++) switch (col->role) {
            case OZK__COL_Y:
                dst[i] = w->t[col->layer + 1][i];
                break;
            case OZK__COL_U:
                dst[i] = limb_of(w->u[col->layer][i], p->k, col->limb, l->ud_limbs);
                break;
            case OZK__COL_D:
                dst[i] = limb_of(w->d[col->layer][i], p->k, col->limb, l->ud_limbs);
                break;
            default:
                dst[i] = limb_of(w->r[col->layer][i], p->k, col->limb, l->r_limbs);
                break;
            }
    }
}

/* The lookup column from the columns, and the multiplicities (in P_A) from the lookup column:
 * every entry of w, the zero region included, is one lookup. Values outside the table (only a
 * cheating witness has them) are not counted. */
static void witness_lookups(ozk__witness *w)
{
    const ozk__plan *p = w->plan;
    size_t nw = (size_t)1 << p->m, nt = (size_t)1 << p->k;
    memset(w->w, 0, nw * sizeof *w->w);
    for (uint32_t i = 0; i < p->nlookups; i++) {
        const ozk__plan_lookup *lk = &p->lookups[i];
        const int64_t *src = w->pa + p->cols[lk->col].off;
        for (size_t b = 0; b < (size_t)1 << lk->lv; b++)
            w->w[lk->off + b] = lk->c + lk->sign * src[b];
    }
    int64_t *mult = w->pa + p->mult_off;
    memset(mult, 0, nt * sizeof *mult);
    for (size_t b = 0; b < nw; b++)
        if (w->w[b] >= 0 && (uint64_t)w->w[b] < nt) mult[w->w[b]]++;
}

static void to_fr(ozk_fr *out, const int64_t *in, size_t n)
{
    for (size_t i = 0; i < n; i++) ozk_fr_from_i64(&out[i], in[i]);
}

/* The canonical output bytes of the last tensor (int8 values wrap as a byte would). */
static void encode_output(uint8_t *y, const ozk__plan *p, const int64_t *t)
{
    for (uint32_t i = 0; i < p->n_out; i++) {
        if (p->out_dtype == OZK_DTYPE_INT8) {
            y[i] = (uint8_t)t[i];
            continue;
        }
        uint32_t v = (uint32_t)t[i];
        for (int b = 0; b < 4; b++) y[4 * i + b] = (uint8_t)(v >> (24 - 8 * b));
    }
}

static void stage(const ozk_prove_opts *o, const char *name)
{
    if (o && o->progress) o->progress(o->progress_ctx, name);
}

int ozk__prove_hooked(uint8_t **proof, size_t *proof_len, uint8_t *y_out, const ozk_model *m,
                      const ozk_vk *vk, const ozk_srs *srs, const uint8_t *xb, size_t xlen,
                      const ozk_prove_opts *opts, const ozk__prove_hooks *hooks, char *err,
                      size_t errlen)
{
    *proof = NULL;
    const ozk__plan *p = &vk->plan;
    unsigned threads = opts ? opts->threads : 0;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned sc_threads = threads ? threads : (ncpu > 1 ? (unsigned)ncpu : 1);
    if (xlen != p->n_in)
        return ozk__fail(err, errlen, OZK_EINVAL, "the input has the wrong length");
    if (!(hooks && hooks->skip_model_check) && !ozk_vk_matches_model(vk, m))
        return ozk__fail(err, errlen, OZK_EINVAL, "the verifying key was not made from this model");
    if (memcmp(srs->id, vk->srs_id, 32) != 0 || srs->log_size < p->nvars)
        return ozk__fail(err, errlen, OZK_EINVAL, "the SRS is not the one the verifying key names");
    const ozk_pk *pk = opts ? opts->pk : NULL;
    if (pk && memcmp(ozk__pk_vk_hash(pk), vk->hash, 32) != 0)
        return ozk__fail(err, errlen, OZK_EINVAL,
                         "the proving key belongs to another verifying key");

    double t0 = now(), t1;
    ozk_prove_stats st;
    memset(&st, 0, sizeof st);
    ozk__witness w;
    ozk__claims cl;
    ozk__claims_init(&cl, p->nvars);
    size_t nbig = (size_t)1 << p->nvars, nA = (size_t)1 << p->nvars_a;
    ozk_fr *pa = NULL, *pw[OZK__MAX_WPOLYS] = { NULL, NULL, NULL }, *wf = NULL, *wnum = NULL,
           *xt = NULL, *yt = NULL;
    uint8_t *buf = NULL, *ybytes = NULL;
    ozk_batch_proof *bp = NULL;
    ozk_pcs_proof *pcs = NULL;
    ozk_batch_claim *bc = NULL;
    ozk_pk *tmp_pk = NULL;
    ozk_g1 *hints = NULL;
    int rc = witness_alloc(&w, p);
    if (rc) goto out;

    /* 1. witness */
    stage(opts, "witness");
    int8_t *xq = malloc(p->n_in);
    if (!xq) {
        rc = OZK_ENOMEM;
        goto out;
    }
    for (uint32_t i = 0; i < p->n_in; i++) xq[i] = (int8_t)xb[i];
    for (uint32_t i = 0; i < p->n_in; i++) w.t[0][i] = xq[i];
    for (uint32_t j = 0; j < p->nlayers; j++) witness_layer(&w, m, j);
    { /* the engine (model/infer.c) and the witness must agree bit for bit */
        void *work = malloc(ozk_model_work_size(m));
        int32_t *eng = malloc(p->n_out * sizeof *eng);
        int same = work && eng;
        if (same) {
            ozk_model_infer(m, eng, xq, work);
            for (uint32_t i = 0; i < p->n_out; i++) same &= eng[i] == w.t[p->nlayers][i];
        }
        free(work);
        free(eng);
        if (!same) {
            free(xq);
            rc = ozk__fail(err, errlen, OZK_EINVAL,
                           "internal error: the witness and the engine disagree");
            goto out;
        }
    }
    if (hooks && hooks->tamper) /* a lie in layer j, and the later layers computed from it */
        for (uint32_t j = 0; j < p->nlayers; j++) {
            w.layer = j;
            hooks->tamper(hooks->ctx, OZK__HOOK_INTEGERS, &w);
            for (uint32_t k = j + 1; k < p->nlayers; k++) witness_layer(&w, m, k);
        }
    free(xq);
    witness_columns(&w);
    if (hooks && hooks->tamper) hooks->tamper(hooks->ctx, OZK__HOOK_COLUMNS, &w);
    witness_lookups(&w);
    if (hooks && hooks->tamper) hooks->tamper(hooks->ctx, OZK__HOOK_MULT, &w);

    size_t ylen = ozk_vk_output_bytes(vk), plen = ozk__proof_size(p);
    pa = calloc(nbig, sizeof *pa);
    if ((rc = ozk__pw_new(pw, p, m))) goto out;
    wf = malloc(((size_t)1 << p->m) * sizeof *wf);
    xt = malloc(((size_t)1 << p->lv_x) * sizeof *xt);
    yt = malloc(((size_t)1 << p->lv_y) * sizeof *yt);
    ybytes = malloc(ylen);
    buf = malloc(plen);
    bp = malloc(sizeof *bp);
    pcs = malloc(sizeof *pcs);
    if (!pa || !wf || !xt || !yt || !ybytes || !buf || !bp || !pcs) {
        rc = OZK_ENOMEM;
        goto out;
    }
    to_fr(pa, w.pa, nA);
    to_fr(wf, w.w, (size_t)1 << p->m);
    encode_output(ybytes, p, w.t[p->nlayers]);
    ozk__public_table(xt, p->lv_x, xb, p->n_in, 0);
    ozk__public_table(yt, p->lv_y, ybytes, p->n_out, p->out_dtype == OZK_DTYPE_INT32);
    if (hooks && hooks->logup_zero_bad) {
        size_t nw = (size_t)1 << p->m;
        if (!(wnum = malloc(nw * sizeof *wnum))) {
            rc = OZK_ENOMEM;
            goto out;
        }
        for (size_t b = 0; b < nw; b++) {
            int bad = w.w[b] < 0 || (uint64_t)w.w[b] >= (uint64_t)1 << p->k;
            ozk_fr_from_u64(&wnum[b], bad ? 0 : 1);
        }
    }
    t1 = now();
    st.infer = t1 - t0;

    /* 2. statement, C_A */
    stage(opts, "commit");
    ozk_transcript t;
    ozk_transcript_init(&t, OZK__TRANSCRIPT_DOMAIN);
    ozk__absorb_statement(&t, vk, xb, xlen, ybytes, ylen);
    ozk_g1 comm[1 + OZK__MAX_WPOLYS];
    if ((rc = ozk_pcs_commit(&comm[0], srs, pa, nA, threads))) goto out;
    memcpy(comm + 1, vk->cw, p->nwpolys * sizeof *comm);
    ozk_transcript_absorb_g1(&t, &comm[0]);
    uint8_t *o = buf;
    ozk_g1_to_bytes(o, &comm[0]);
    o += OZK_G1_BYTES;
    st.commit = now() - t1;
    t1 = now();

    /* 3. layers, last to first */
    stage(opts, "layers");
    ozk__prover pc = { p, m, &t, o, &cl, pa, xt, yt, w.t };
    for (uint32_t j = p->nlayers; j-- > 0;) {
        ozk_fr pt[OZK_SUMCHECK_MAX_VARS], A;
        if ((rc = ozk__requant_prove(&pc, j, pt, &A)) || (rc = ozk__accum_prove(&pc, j, pt, &A)))
            goto out;
    }
    st.layers = now() - t1;
    t1 = now();

    /* 4. range checks */
    stage(opts, "logup");
    if ((rc = ozk__range_prove(&pc, wf, wnum))) {
        if (rc == OZK_ERANGE) ozk__fail(err, errlen, rc, "a LogUp denominator is zero (retry)");
        goto out;
    }
    st.logup = now() - t1;
    t1 = now();

    /* 5. batching and the joint opening */
    stage(opts, "batch");
    if (!(bc = malloc(cl.n * sizeof *bc))) {
        rc = OZK_ENOMEM;
        goto out;
    }
    ozk__claims_view(bc, &cl);
    const ozk_fr *polys[1 + OZK__MAX_WPOLYS] = { pa, pw[0], pw[1], pw[2] };
    uint32_t np = 1 + p->nwpolys;
    ozk_fr xstar[OZK_BATCH_MAX_VARS];
    if ((rc = ozk_batch_prove(bp, xstar, &t, polys, np, p->nvars, bc, cl.n, sc_threads))) goto out;
    if (hooks && hooks->open_delta) {
        ozk_fr dlt;
        ozk_fr_from_i64(&dlt, hooks->open_delta);
        ozk_fr_add(&bp->values[0], &bp->values[0], &dlt);
    }
    ozk_batch_proof_encode(pc.o, bp);
    pc.o += ozk_batch_proof_size(p->nvars, np);
    st.batch = now() - t1;
    t1 = now();
    stage(opts, "open");
    if (!pk) { /* a proving key for this proof only, with fewer levels (docs/protocol.md 11.5) */
        if ((rc = ozk__pk_compute(&tmp_pk, p, vk->hash, pw, srs, OZK__PK_LEVELS_TMP, threads)))
            goto out;
        pk = tmp_pk;
        st.pk = now() - t1;
    }
    uint32_t h = ozk__pk_levels(pk);
    if (h && !(hints = malloc((size_t)np * h * sizeof *hints))) {
        rc = OZK_ENOMEM;
        goto out;
    }
    if (h && (rc = ozk__fold_hints(hints, pk, p, pa, srs, xstar, threads))) goto out;
    if ((rc = ozk__pcs_open_many_hinted(pcs, &t, srs, polys, np, p->nvars, xstar, comm, bp->values,
                                        h ? hints : NULL, h, threads)))
        goto out;
    ozk_pcs_proof_encode(pc.o, pcs);
    pc.o += ozk_pcs_proof_size(p->nvars);
    st.open = now() - t1;
    if ((size_t)(pc.o - buf) != plen) {
        rc = ozk__fail(err, errlen, OZK_EINVAL,
                       "internal error: proof length differs from the plan");
        goto out;
    }
    stage(opts, "done");
    st.total = now() - t0;
    st.proof_bytes = plen;
    st.lookups = p->lookup_entries;
    st.nvars = p->nvars;
    st.nwpolys = p->nwpolys;
    st.table_bits = p->k;
    if (opts && opts->stats) *opts->stats = st;
    if (y_out) memcpy(y_out, ybytes, ylen);
    *proof = buf;
    *proof_len = plen;
    buf = NULL;
    rc = 0;
out:
    if (rc == OZK_ENOMEM) ozk__fail(err, errlen, rc, "out of memory");
    witness_free(&w, p->nlayers);
    ozk__claims_free(&cl);
    free(pa);
    ozk__pw_free(pw);
    free(wf);
    free(wnum);
    free(xt);
    free(yt);
    free(ybytes);
    free(buf);
    free(bp);
    free(pcs);
    free(bc);
    free(hints);
    ozk_pk_free(tmp_pk);
    return rc;
}

int ozk_prove(uint8_t **proof, size_t *proof_len, uint8_t *y, const ozk_model *m, const ozk_vk *vk,
              const ozk_srs *srs, const uint8_t *x, size_t xlen, const ozk_prove_opts *opts,
              char *err, size_t errlen)
{
    return ozk__prove_hooked(proof, proof_len, y, m, vk, srs, x, xlen, opts, NULL, err, errlen);
}
