/*
 * verifier/logup_internal.h: the step of LogUp-GKR that the prover and the verifier share
 * (internal), so the two transcripts cannot drift.
 */
#ifndef OZK_VERIFIER_LOGUP_INTERNAL_H
#define OZK_VERIFIER_LOGUP_INTERNAL_H

#include "ozk/logup.h"

/* End of a layer (docs/protocol.md section 6): absorb p0 || p1 || q0 || q1 (el[0..4)) as one
 * message, draw mu, and move the claim to the line through the two children at mu:
 * P = p0 + mu (p1 - p0), Q = q0 + mu (q1 - q0). */
void ozk__logup_next_layer(ozk_transcript *t, const ozk_fr el[4], ozk_fr *mu, ozk_fr *P, ozk_fr *Q);

#endif
