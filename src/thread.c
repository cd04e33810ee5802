/*
 * thread.c - running one job on several cores (see thread_int.h).
 */
#include <pthread.h>
#include <unistd.h>

#include "thread_int.h"

unsigned Cv_threads_pick(unsigned requested)
{
	long online;

	if (requested == 0) {
		online = sysconf(_SC_NPROCESSORS_ONLN);
		requested = online > 0 ? (unsigned)online : 1;
	}
	return requested > CV_THREADS_MAX ? CV_THREADS_MAX : requested;
}

typedef struct worker {
	void (*work)(void *ctx, unsigned worker);
	void *ctx;
	unsigned id;
} worker;

static void *run(void *arg)
{
	worker *w = arg;
	w->work(w->ctx, w->id);
	return NULL;
}

void Cv_threads_run(unsigned n, void (*work)(void *ctx, unsigned worker), void *ctx)
{
	pthread_t tid[CV_THREADS_MAX];
	worker w[CV_THREADS_MAX];
	int started[CV_THREADS_MAX];
	unsigned i;

	if (n > CV_THREADS_MAX)
		n = CV_THREADS_MAX;
	for (i = 1; i < n; i++) {
		w[i] = (worker){work, ctx, i};
		started[i] = pthread_create(&tid[i], NULL, run, &w[i]) == 0;
	}
	if (n > 0)
		work(ctx, 0);
	for (i = 1; i < n; i++) {
		if (started[i])
			pthread_join(tid[i], NULL);
		else
			work(ctx, i);
	}
}
