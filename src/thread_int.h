/*
 * thread_int.h - private: running one job on several cores (pthreads).
 * Not API.
 *
 * Callers split their work into items pulled from a shared counter, so
 * which worker does which item never shows in a result: every result is
 * combined in item order, and the same input gives the same bytes whatever
 * the thread count.
 */
#ifndef CONVENE_THREAD_INT_H
#define CONVENE_THREAD_INT_H

#include <stddef.h>

/* The most workers a job gets. */
#define CV_THREADS_MAX 64

/* How many workers `requested` means: 0 is one per online CPU; at most
 * CV_THREADS_MAX. */
unsigned Cv_threads_pick(unsigned requested);

/*
 * Run work(ctx, w) for w = 0..n-1, each on its own thread (worker 0 on the
 * caller's), and return when all have.  A thread that cannot be started
 * has its worker run on the caller's thread afterwards, so the work is
 * always done.
 */
void Cv_threads_run(unsigned n, void (*work)(void *ctx, unsigned worker), void *ctx);

#endif
