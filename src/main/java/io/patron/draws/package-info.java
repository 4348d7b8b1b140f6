/**
 * Prize draws with tickets per purchase, provably fair by commit–reveal: a secret seed committed to
 * when the draw is created, the ticket list frozen and hashed when entries close, the seed revealed
 * and the winners computed from both by {@link DrawAlgorithm}, which anyone can re-run with
 * {@link DrawVerifier} (the jar's {@code verify-draw} command).
 */
package io.patron.draws;
