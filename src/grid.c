/*
 * grid.c - candidates, their weekly occurrences, and who can attend them.
 *
 * Students are first merged by their availability definition (zone,
 * windows, preferred windows, away dates, busy intervals), so the interval
 * arithmetic runs once per distinct definition; the resulting count rows
 * are merged again, so the solver sees one weighted group per distinct row.
 */
#include <stdlib.h>
#include <string.h>

#include <stdatomic.h>

#include "convene/grid.h"
#include "array_int.h"
#include "grid_int.h"
#include "thread_int.h"

#define NO_OCCURRENCE INT64_MIN

struct cv_grid {
	const cv_course *course;
	const cv_roster *roster;

	size_t ncand;
	uint16_t *week_minute;   /* per candidate: minutes from Monday 00:00 */
	uint16_t *duration;      /* per candidate: minutes (series may mix lengths) */
	size_t nweeks;
	size_t nphase;           /* rotation: the slots a session rotates through; else 1 */
	int8_t *week_phase;      /* per week: its phase, or -1 when it has no sessions (cadence) */
	size_t rowlen;           /* bytes of a group's attend (and preferred) row: ncand
				  * counts over the term, then with phases ncand for each phase */
	int32_t monday0;         /* home-zone day number of week 0's Monday */
	int64_t *occ;            /* ncand * nweeks UTC starts, NO_OCCURRENCE when none */
	int64_t *occ_by_week;    /* the same transposed, nweeks * ncand: counting walks a
				  * week's candidates, and contiguous loads keep it fast */
	unsigned *occ_count;     /* per candidate */

	size_t ngroups;
	uint64_t *weight;        /* per group */
	size_t *member_start;    /* per group, into members[]; ngroups + 1 entries */
	size_t *members;         /* roster indices grouped */
	size_t *student_group;   /* per roster student */
	size_t *rep;             /* per group: a representative roster index */
	size_t *definition;      /* per roster student: its availability definition */
	size_t ndefinitions;
	size_t *def_rep;         /* per definition: its first roster student */
	size_t nbase;            /* bases: definitions without their away dates */
	size_t *base_rep;        /* per base: a roster student of it */
	size_t *base_start;      /* per base, into by_base[]; nbase + 1 entries */
	size_t *by_base;         /* the definitions ordered by base */
	uint8_t *attend;         /* ngroups * rowlen */
	uint8_t *preferred;      /* ngroups * rowlen */
	unsigned threads;        /* workers for the walks over the definitions */
};

/* ---- candidates ---- */

/* The session lengths of a course, distinct, in the order the course gives them. */
static size_t course_lengths(unsigned *out, const cv_course *c)
{
	size_t n = 0, i, j;

	if (!c->ndurations) {
		out[0] = c->duration;
		return 1;
	}
	for (i = 0; i < c->ndurations; i++) {
		for (j = 0; j < n && out[j] != c->durations[i]; j++)
			;
		if (j == n)
			out[n++] = c->durations[i];
	}
	return n;
}

/* Candidates in home-week order, a start with several lengths shortest first. */
static int build_candidates(cv_grid *g)
{
	const cv_course *c = g->course;
	size_t per = CV_CANDIDATES_MAX / c->granularity + 1, nlen, l, i;
	unsigned len[CV_COUNT_MAX];
	uint16_t *starts;

	nlen = course_lengths(len, c);
	g->week_minute = malloc(sizeof(*g->week_minute) * per * nlen);
	g->duration = malloc(sizeof(*g->duration) * per * nlen);
	starts = malloc(sizeof(*starts) * per);
	if (!g->week_minute || !g->duration || !starts) {
		free(starts);
		return CV_ENOMEM;
	}
	g->ncand = 0;
	for (l = 0; l < nlen; l++) {
		size_t n = cv_course_candidates_for(starts, NULL, c, len[l]);
		for (i = 0; i < n; i++) {
			size_t at = g->ncand++;
			/* insertion keeps (start, length) order; lists are short and nearly sorted */
			while (at > 0 && (g->week_minute[at - 1] > starts[i] ||
					  (g->week_minute[at - 1] == starts[i] &&
					   g->duration[at - 1] > len[l]))) {
				g->week_minute[at] = g->week_minute[at - 1];
				g->duration[at] = g->duration[at - 1];
				at--;
			}
			g->week_minute[at] = starts[i];
			g->duration[at] = (uint16_t)len[l];
		}
	}
	free(starts);
	return CV_OK;
}

/* ---- occurrences ---- */

/*
 * Which weeks have sessions, and in rotation which slot each serves: with
 * `every = N`, the weeks N apart from the one holding `first`; the k slots
 * of a rotation take those weeks in turn.  A holiday takes a day out of a
 * week but not the week out of the turn, so each slot keeps its weeks
 * whatever the holidays (DESIGN.md "Objective").
 */
static int build_phases(cv_grid *g)
{
	const cv_course *c = g->course;
	unsigned every = c->every > 1 ? c->every : 1;
	int32_t first = c->first >= c->start && c->first <= c->end ? c->first : c->start;
	size_t first_week = (size_t)((first - g->monday0) / 7), w;

	g->nphase = c->mode == CV_MODE_ROTATION && c->count > 1 ? c->count : 1;
	g->rowlen = g->ncand * (g->nphase > 1 ? g->nphase + 1 : 1);
	g->week_phase = malloc(g->nweeks + 1);
	if (!g->week_phase)
		return CV_ENOMEM;
	for (w = 0; w < g->nweeks; w++) {
		size_t turn = (w - first_week) / every;
		g->week_phase[w] = (int8_t)(w < first_week || (w - first_week) % every
						    ? -1 : (int)(turn % g->nphase));
	}
	return CV_OK;
}

static int build_occurrences(cv_grid *g)
{
	const cv_course *c = g->course;
	size_t i, w;
	int rc;

	g->monday0 = c->start - (int32_t)cv_weekday(c->start);
	g->nweeks = (size_t)((c->end - g->monday0) / 7 + 1);
	if (g->nweeks > CV_WEEKS_MAX)
		g->nweeks = CV_WEEKS_MAX; /* the course loader refuses longer terms */
	if ((rc = build_phases(g)))
		return rc;
	g->occ = malloc(sizeof(*g->occ) * (g->ncand * g->nweeks + 1));
	g->occ_count = calloc(g->ncand + 1, sizeof(*g->occ_count));
	g->occ_by_week = malloc(sizeof(*g->occ_by_week) * (g->ncand * g->nweeks + 1));
	if (!g->occ || !g->occ_count || !g->occ_by_week)
		return CV_ENOMEM;
	for (i = 0; i < g->ncand; i++) {
		unsigned day = g->week_minute[i] / CV_DAY_MINUTES;
		unsigned minute = g->week_minute[i] % CV_DAY_MINUTES;
		for (w = 0; w < g->nweeks; w++) {
			int32_t date = g->monday0 + (int32_t)(7 * w + day);
			int64_t *slot = &g->occ[i * g->nweeks + w];
			if (date < c->start || date > c->end || g->week_phase[w] < 0 ||
			    cv_dates_contain(c->holidays, c->nholidays, date)) {
				*slot = NO_OCCURRENCE;
				continue;
			}
			*slot = cv_zone_to_utc(c->zone, (int64_t)date * CV_DAY_SECONDS +
								minute * CV_MINUTE_SECONDS);
			g->occ_count[i]++;
		}
	}
	for (i = 0; i < g->ncand; i++)
		for (w = 0; w < g->nweeks; w++)
			g->occ_by_week[w * g->ncand + i] = g->occ[i * g->nweeks + w];
	return CV_OK;
}

/* ---- students ---- */

static uint64_t hash_bytes(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i;
	/* FNV-1a: only used to bucket; equality is always checked in full. */
	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* A row hash eight bytes at a time (rows are ncand bytes, hashed for every
 * definition); a multiply-xorshift mix, only used to bucket. */
static uint64_t hash_words(uint64_t h, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		uint64_t v;
		memcpy(&v, p + i, 8);
		h = (h ^ v) * 0x9E3779B97F4A7C15ULL;
		h ^= h >> 29;
	}
	return hash_bytes(h, p + i, len - i);
}

/* Windows field by field: cv_window has a padding byte whose value is not
 * defined, so neither hashing nor comparing may look at its bytes. */
static uint64_t hash_windows(uint64_t h, const cv_window *w, size_t n)
{
	size_t i;

	h = hash_bytes(h, &n, sizeof(n));
	for (i = 0; i < n; i++) {
		uint8_t f[5] = {w[i].days, (uint8_t)(w[i].start >> 8), (uint8_t)w[i].start,
				(uint8_t)(w[i].end >> 8), (uint8_t)w[i].end};
		h = hash_bytes(h, f, sizeof(f));
	}
	return h;
}

static int same_windows(const cv_window *a, size_t na, const cv_window *b, size_t nb)
{
	size_t i;

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++)
		if (a[i].days != b[i].days || a[i].start != b[i].start || a[i].end != b[i].end)
			return 0;
	return 1;
}

static uint64_t hash_definition(const cv_avail *a, int with_away)
{
	const cv_zone *z = cv_avail_zone(a);
	const cv_window *w;
	const void *p;
	size_t n;
	uint64_t h = 1469598103934665603ULL;

	h = hash_bytes(h, &z, sizeof(z));
	w = cv_avail_windows(a, &n, 0);
	h = hash_windows(h, w, n);
	w = cv_avail_windows(a, &n, 1);
	h = hash_windows(h, w, n);
	if (with_away) {
		p = cv_avail_away(a, &n);
		h = hash_bytes(h, &n, sizeof(n));
		h = hash_bytes(h, p, n * sizeof(cv_daterange));
	}
	p = cv_avail_busy(a, &n);
	h = hash_bytes(h, &n, sizeof(n));
	h = hash_bytes(h, p, n * sizeof(cv_interval));
	return h;
}

static int same_list(const void *a, size_t na, const void *b, size_t nb, size_t size)
{
	return na == nb && (na == 0 || memcmp(a, b, na * size) == 0);
}

static int same_definition(const cv_avail *a, const cv_avail *b, int with_away)
{
	const void *pa, *pb;
	size_t na, nb;
	int pref;

	if (cv_avail_zone(a) != cv_avail_zone(b))
		return 0;
	for (pref = 0; pref < 2; pref++) {
		const cv_window *wa = cv_avail_windows(a, &na, pref);
		const cv_window *wb = cv_avail_windows(b, &nb, pref);
		if (!same_windows(wa, na, wb, nb))
			return 0;
	}
	pa = cv_avail_away(a, &na);
	pb = cv_avail_away(b, &nb);
	if (with_away && !same_list(pa, na, pb, nb, sizeof(cv_daterange)))
		return 0;
	pa = cv_avail_busy(a, &na);
	pb = cv_avail_busy(b, &nb);
	return same_list(pa, na, pb, nb, sizeof(cv_interval));
}

/* An open-addressing table from a hash to the first index with that key. */
typedef struct index_table {
	size_t *slot;  /* index + 1; 0 = empty */
	uint64_t *hash;
	size_t mask;
} index_table;

static int table_init(index_table *t, size_t n)
{
	size_t cap = 16;
	while (cap < n * 2)
		cap <<= 1;
	t->slot = calloc(cap, sizeof(*t->slot));
	t->hash = calloc(cap, sizeof(*t->hash));
	t->mask = cap - 1;
	return t->slot && t->hash ? CV_OK : CV_ENOMEM;
}

static void table_free(index_table *t)
{
	free(t->slot);
	free(t->hash);
}

/* Add `by` (1 or -1, modulo 256) to a row's count of candidate i, and with
 * phases to that of week w's phase. */
static inline void count_in(uint8_t *row, const cv_grid *g, size_t i, size_t w, int by)
{
	row[i] = (uint8_t)(row[i] + by);
	if (g->nphase > 1) {
		size_t at = (size_t)(1 + g->week_phase[w]) * g->ncand + i;
		row[at] = (uint8_t)(row[at] + by);
	}
}

/*
 * Which occurrences availability `a` can attend, week by week, for the
 * candidates cands[0..ncands) (NULL: every candidate, ncands = ncand): the
 * count rows attend[] and preferred[] (ncand entries each, added to; either
 * may be NULL), and when `bits` is not NULL the same as bitsets, bit j of
 * word row (pref * nweeks + w) * wpw, wpw = (ncands + 63) / 64: week w's
 * occurrence of the j-th candidate is attended (pref = 1: inside a
 * preferred window).  Counts wrap modulo 256 while rows
 * are adjusted and end in range (a term has at most CV_WEEKS_MAX weeks).
 */
static int count_weeks(uint8_t *attend, uint8_t *preferred, uint64_t *bits, const cv_grid *g,
		       const cv_avail *a, const size_t *cands, size_t ncands)
{
	int64_t from = ((int64_t)g->monday0 - 2) * CV_DAY_SECONDS;
	int64_t to = ((int64_t)g->monday0 + 7 * (int64_t)g->nweeks + 2) * CV_DAY_SECONDS;
	size_t wpw = (ncands + 63) / 64;
	cv_interval *iv[2] = {NULL, NULL};
	size_t n[2] = {0, 0}, i, j, w;
	int pref, rc;

	for (pref = 0; pref < 2; pref++) {
		rc = cv_avail_intervals(&iv[pref], &n[pref], a, from, to, pref);
		if (rc) {
			free(iv[0]);
			return rc;
		}
	}
	/* Within a week the candidates' occurrences are almost in time order
	 * (home-week order; wall -> UTC is monotone except that times in a
	 * spring-forward gap land after the gap), so one pass with a cursor into
	 * each interval list, stepping back when time does, replaces a binary
	 * search per occurrence. */
	for (w = 0; w < g->nweeks; w++) {
		size_t at[2] = {0, 0};
		const int64_t *week = g->occ_by_week + w * g->ncand;
		for (j = 0; j < ncands; j++) {
			int64_t s, span;
			i = cands ? cands[j] : j;
			s = week[i];
			if (s == NO_OCCURRENCE)
				continue;
			span = (int64_t)g->duration[i] * CV_MINUTE_SECONDS;
			for (pref = 0; pref < 2; pref++) {
				while (at[pref] > 0 && iv[pref][at[pref] - 1].end > s)
					at[pref]--;
				while (at[pref] < n[pref] && iv[pref][at[pref]].end <= s)
					at[pref]++;
				if (at[pref] == n[pref] || iv[pref][at[pref]].start > s ||
				    iv[pref][at[pref]].end < s + span)
					break;
				if (pref && preferred)
					count_in(preferred, g, i, w, 1);
				else if (!pref && attend)
					count_in(attend, g, i, w, 1);
				if (bits)
					bits[((size_t)pref * g->nweeks + w) * wpw + j / 64] |= 1ULL << (j % 64);
			}
		}
	}
	free(iv[0]);
	free(iv[1]);
	return CV_OK;
}

/* A copy of `a` without its away dates: the base that away dates modify. */
static int base_avail(cv_avail **out, const cv_avail *a)
{
	const cv_window *w;
	const cv_interval *busy;
	size_t n;
	int rc;

	if ((rc = cv_avail_new(out, cv_avail_zone(a))))
		return rc;
	w = cv_avail_windows(a, &n, 0);
	if (!rc)
		rc = cv_avail_add_windows(*out, w, n, 0);
	w = cv_avail_windows(a, &n, 1);
	if (!rc)
		rc = cv_avail_add_windows(*out, w, n, 1);
	busy = cv_avail_busy(a, &n);
	if (!rc)
		rc = cv_avail_add_busy(*out, busy, n);
	if (rc) {
		cv_avail_free(*out);
		*out = NULL;
	}
	return rc;
}

/* A bit cleared by take_away(), to be set again for the next definition. */
typedef struct cleared {
	size_t word;
	uint64_t mask;
} cleared;

/*
 * The count row of availability `a` from the bitsets of its base (the same
 * without away dates).  Away dates take out whole local days (DESIGN.md
 * time rule 4), so an occurrence the base attends is lost exactly when its
 * UTC interval meets the UTC span of an away day: no interval arithmetic is
 * redone, only the occurrences near each away span are looked at.  The
 * candidates and bitsets are those of count_weeks(); the rows may be NULL.
 * Bits it clears are listed in undo[] (room for every bit of the bitsets;
 * NULL: not listed) and counted in *nundo, so the caller can restore the
 * base.
 */
static void take_away(uint8_t *attend, uint8_t *preferred, uint64_t *bits, cleared *undo,
		      size_t *nundo, const cv_grid *g, const cv_avail *a, const size_t *cands,
		      size_t ncands)
{
	const cv_zone *zone = cv_avail_zone(a);
	const cv_daterange *away;
	int64_t longest = (int64_t)g->course->duration * CV_MINUTE_SECONDS;
	size_t wpw = (ncands + 63) / 64, n, i, j, c;
	int pref;

	away = cv_avail_away(a, &n); /* sorted by first day, merged (avail.h) */
	for (i = 0; i < n; i++) {
		/* Only local days near the term can meet an occurrence: clipped to
		 * them, the zone is only asked about the times warm_zones() made
		 * read-only, so walks may run in parallel. */
		int32_t first = away[i].first, last = away[i].last;
		int32_t near_lo = g->monday0 - 3, near_hi = g->monday0 + 7 * (int32_t)g->nweeks + 3;
		int64_t lo, hi, w_lo, w_hi, w;
		first = first < near_lo ? near_lo : first;
		last = last > near_hi ? near_hi : last;
		if (first > last)
			continue;
		lo = cv_zone_to_utc(zone, (int64_t)first * CV_DAY_SECONDS);
		hi = cv_zone_to_utc(zone, ((int64_t)last + 1) * CV_DAY_SECONDS);
		/* A week's occurrences lie within a day of its Monday..Sunday. */
		w_lo = (lo - longest) / CV_DAY_SECONDS - g->monday0 - 8;
		w_hi = hi / CV_DAY_SECONDS - g->monday0 + 1;

		w_lo = w_lo < 0 ? 0 : w_lo / 7;
		w_hi = w_hi < 0 ? -1 : w_hi / 7;
		if (w_hi >= (int64_t)g->nweeks)
			w_hi = (int64_t)g->nweeks - 1;
		for (w = w_lo; w <= w_hi; w++) {
			const int64_t *week = g->occ_by_week + (size_t)w * g->ncand;
			for (j = 0; j < ncands; j++) {
				int64_t s;
				c = cands ? cands[j] : j;
				s = week[c];
				if (s == NO_OCCURRENCE || s >= hi ||
				    s + (int64_t)g->duration[c] * CV_MINUTE_SECONDS <= lo)
					continue;
				for (pref = 0; pref < 2; pref++) {
					size_t word = ((size_t)pref * g->nweeks + (size_t)w) * wpw + j / 64;
					uint64_t mask = 1ULL << (j % 64);
					if (!(bits[word] & mask))
						continue;
					bits[word] &= ~mask;
					if (undo)
						undo[(*nundo)++] = (cleared){word, mask};
					if (pref && preferred)
						count_in(preferred, g, c, (size_t)w, -1);
					else if (!pref && attend)
						count_in(attend, g, c, (size_t)w, -1);
				}
			}
		}
	}
}

/* Find or add the student's entry in a table keyed by availability definition. */
static size_t intern(index_table *t, size_t *rep, size_t *count, const cv_roster *r, size_t i,
		     int with_away)
{
	uint64_t h = hash_definition(r->students[i].avail, with_away);
	size_t k = h & t->mask;
	for (;; k = (k + 1) & t->mask) {
		if (!t->slot[k]) {
			t->slot[k] = *count + 1;
			t->hash[k] = h;
			rep[*count] = i;
			return (*count)++;
		}
		if (t->hash[k] == h && same_definition(r->students[rep[t->slot[k] - 1]].avail,
						       r->students[i].avail, with_away))
			return t->slot[k] - 1;
	}
}

/*
 * Room for one more group: rep and the attend and preferred rows (ncand
 * bytes each, at least one so that no block is empty) grow together.
 */
static int grow_groups(cv_grid *g, size_t *cap)
{
	size_t row = g->rowlen ? g->rowlen : 1, cr = *cap, ca = *cap, cp = *cap;

	g->rep = Cv_array_grow(g->rep, &cr, *cap + 1, sizeof(*g->rep));
	if (cr == *cap)
		return CV_ENOMEM;
	g->attend = Cv_array_grow(g->attend, &ca, cr, row);
	g->preferred = Cv_array_grow(g->preferred, &cp, cr, row);
	if (ca < cr || cp < cr)
		return CV_ENOMEM;
	*cap = cr;
	return CV_OK;
}

/* Find or add a group with this row; rows grow by doubling. */
static uint64_t row_hash(const cv_grid *g, const uint8_t *ra, const uint8_t *rp)
{
	return hash_words(hash_words(1469598103934665603ULL, ra, g->rowlen), rp, g->rowlen);
}

static int intern_row(size_t *out, cv_grid *g, index_table *t, size_t *cap, const uint8_t *ra,
		      const uint8_t *rp, uint64_t h, size_t rep)
{
	size_t nc = g->rowlen;
	size_t k = h & t->mask;

	for (;; k = (k + 1) & t->mask) {
		size_t gi;
		if (!t->slot[k]) {
			if (g->ngroups == *cap && grow_groups(g, cap))
				return CV_ENOMEM;
			gi = g->ngroups++;
			t->slot[k] = gi + 1;
			t->hash[k] = h;
			memcpy(g->attend + gi * nc, ra, nc);
			memcpy(g->preferred + gi * nc, rp, nc);
			g->rep[gi] = rep;
			*out = gi;
			return CV_OK;
		}
		gi = t->slot[k] - 1;
		if (t->hash[k] == h && !memcmp(g->attend + gi * nc, ra, nc) &&
		    !memcmp(g->preferred + gi * nc, rp, nc)) {
			*out = gi;
			return CV_OK;
		}
	}
}

/*
 * Visit every availability definition with its count row and bitsets, base
 * by base (g->nbase, g->base_rep, g->base_start, g->by_base, g->def_rep
 * set): one interval sweep per base, then for each of its definitions the
 * base's row and bitsets with that definition's away dates taken away.
 * `cands` is as in count_weeks(); with `rows` the count rows are kept too
 * (row[0..ncand) attended, row[ncand..2 ncand) preferred), and bitsets are
 * made only for bases that have definitions with away dates, since rows
 * need them only there.  visit() gets row (NULL without `rows`) and the
 * bitsets (NULL when not made), both restored after it returns; a non-zero
 * return stops the walk.  Returns 0, visit()'s code, or CV_ENOMEM.
 */
typedef int (*visit_fn)(void *ctx, size_t def, size_t at, const uint8_t *row,
			const uint64_t *bits);

/* One worker's buffers for walk_base(). */
typedef struct walker {
	uint8_t *base_row, *row;
	uint64_t *bits;
	cleared *undo;
} walker;

static void walker_free(walker *w)
{
	free(w->base_row);
	free(w->row);
	free(w->bits);
	free(w->undo);
}

static int walker_init(walker *w, const cv_grid *g, size_t ncands, int rows)
{
	size_t nc = g->rowlen, nwords = 2 * g->nweeks * ((ncands + 63) / 64);

	w->base_row = rows ? malloc(2 * nc + 2) : NULL;
	w->row = rows ? malloc(2 * nc + 2) : NULL;
	w->bits = calloc(nwords + 1, sizeof(uint64_t));
	w->undo = malloc(sizeof(cleared) * (nwords * 64 + 1));
	if ((rows && (!w->base_row || !w->row)) || !w->bits || !w->undo) {
		walker_free(w);
		return CV_ENOMEM;
	}
	return CV_OK;
}

/*
 * Visit the definitions of a piece with their count rows and bitsets: one
 * interval sweep for its base, then for each of its definitions the base's
 * row and bitsets with that definition's away dates taken away.  `cands`
 * is as in count_weeks(); with `rows` the count rows are kept too
 * (row[0..ncand) attended, row[ncand..2 ncand) preferred), and bitsets are
 * made only for bases that have definitions with away dates, since rows
 * need them only there.  visit() gets the definition, its position in
 * by_base[], the row (NULL without `rows`) and the bitsets (NULL when not
 * made), both restored after it returns; a non-zero return stops the walk.
 * Returns 0, visit()'s code, or CV_ENOMEM.
 */
/* Definitions by_base[lo..hi) of base b: a piece of a walk. */
typedef struct piece {
	size_t b, lo, hi;
} piece;

static int walk_base(const cv_grid *g, piece p, const size_t *cands, size_t ncands, int rows,
		     walker *wk, visit_fn visit, void *ctx)
{
	const cv_roster *r = g->roster;
	const cv_avail *a = r->students[g->base_rep[p.b]].avail;
	size_t nc = g->rowlen, nwords = 2 * g->nweeks * ((ncands + 63) / 64), d, u, naway;
	size_t need_bits = !rows;
	cv_avail *copy = NULL;
	int rc;

	for (d = p.lo; d < p.hi && !need_bits; d++) {
		cv_avail_away(r->students[g->def_rep[g->by_base[d]]].avail, &naway);
		need_bits = naway;
	}
	cv_avail_away(a, &naway);
	if (naway && (rc = base_avail(&copy, a)))
		return rc;
	if (rows)
		memset(wk->base_row, 0, 2 * nc);
	if (need_bits)
		memset(wk->bits, 0, sizeof(uint64_t) * nwords);
	rc = count_weeks(rows ? wk->base_row : NULL, rows ? wk->base_row + nc : NULL,
			 need_bits ? wk->bits : NULL, g, copy ? copy : a, cands, ncands);
	cv_avail_free(copy);
	if (rc)
		return rc;
	for (d = p.lo; d < p.hi; d++) {
		size_t def = g->by_base[d], nundo = 0;
		const cv_avail *da = r->students[g->def_rep[def]].avail;
		if (rows)
			memcpy(wk->row, wk->base_row, 2 * nc);
		cv_avail_away(da, &naway);
		if (naway)
			take_away(rows ? wk->row : NULL, rows ? wk->row + nc : NULL, wk->bits, wk->undo,
				  &nundo, g, da, cands, ncands);
		rc = visit(ctx, def, d, wk->row, need_bits ? wk->bits : NULL);
		for (u = 0; u < nundo; u++)
			wk->bits[wk->undo[u].word] |= wk->undo[u].mask;
		if (rc)
			return rc;
	}
	return CV_OK;
}

/* The most definitions a piece has: a base with more is cut. */
#define PIECE_MAX 4096

/* Cut the bases into pieces of at most PIECE_MAX definitions, in by_base
 * order; out[] has room for nbase + ndefinitions / PIECE_MAX entries. */
static size_t make_pieces(piece *out, const cv_grid *g)
{
	size_t b, lo, n = 0;

	for (b = 0; b < g->nbase; b++)
		for (lo = g->base_start[b]; lo < g->base_start[b + 1]; lo += PIECE_MAX)
			out[n++] = (piece){b, lo, lo + PIECE_MAX < g->base_start[b + 1]
						  ? lo + PIECE_MAX : g->base_start[b + 1]};
	return n;
}

static piece *pieces_new(size_t *n, const cv_grid *g)
{
	piece *p = malloc(sizeof(piece) * (g->nbase + g->ndefinitions / PIECE_MAX + 1));
	if (p)
		*n = make_pieces(p, g);
	return p;
}

/* A walk over pieces [at, hi) by g->threads workers taking pieces in turn;
 * visit() must then be safe to call from any of them at once. */
typedef struct walk_job {
	const cv_grid *g;
	const piece *pieces;
	const size_t *cands;
	size_t ncands, hi;
	int rows;
	visit_fn visit;
	void *ctx;
	atomic_size_t next;
	atomic_int rc;
} walk_job;

static void walk_work(void *arg, unsigned worker)
{
	walk_job *j = arg;
	walker wk;
	size_t b;
	int rc;

	(void)worker;
	if ((rc = walker_init(&wk, j->g, j->ncands, j->rows))) {
		atomic_store(&j->rc, rc);
		return;
	}
	while (!atomic_load(&j->rc) && (b = atomic_fetch_add(&j->next, 1)) < j->hi)
		if ((rc = walk_base(j->g, j->pieces[b], j->cands, j->ncands, j->rows, &wk, j->visit,
				    j->ctx)))
			atomic_store(&j->rc, rc);
	walker_free(&wk);
}

static int walk_pieces(const cv_grid *g, const piece *pieces, size_t lo, size_t hi,
		       const size_t *cands, size_t ncands, int rows, visit_fn visit, void *ctx)
{
	walk_job j = {g, pieces, cands, ncands, hi, rows, visit, ctx, lo, 0};
	unsigned n = g->threads < hi - lo ? g->threads : (unsigned)(hi - lo);

	Cv_threads_run(n ? n : 1, walk_work, &j);
	return atomic_load(&j.rc);
}

/*
 * Every zone the walks ask about answers from tables that cover the term
 * (tz fills them on first use): asked once here, on one thread, they are
 * only read afterwards, so the workers never write them.
 */
static void warm_zones(const cv_grid *g)
{
	int64_t from = ((int64_t)g->monday0 - 31) * CV_DAY_SECONDS;
	int64_t to = ((int64_t)g->monday0 + 7 * (int64_t)g->nweeks + 31) * CV_DAY_SECONDS;
	const cv_zone *last = NULL;
	size_t b;

	for (b = 0; b < g->nbase; b++) {
		const cv_zone *z = cv_avail_zone(g->roster->students[g->base_rep[b]].avail);
		if (z != last)
			cv_zone_transitions(NULL, 0, z, from, to);
		last = z;
	}
}

/* build_groups()'s rows, made by any worker into the slot of the
 * definition's position: rows and their hashes for by_base[lo..). */
typedef struct grouping {
	cv_grid *g;
	size_t lo;
	uint8_t *rows;      /* PIECE_MAX * 2 * rowlen */
	uint64_t *hash;     /* PIECE_MAX */
} grouping;

static int keep_row(void *ctx, size_t def, size_t at, const uint8_t *row, const uint64_t *bits)
{
	grouping *x = ctx;
	size_t nc = x->g->rowlen, i = at - x->lo;
	(void)def;
	(void)bits;
	memcpy(x->rows + i * 2 * nc, row, 2 * nc);
	x->hash[i] = row_hash(x->g, row, row + nc);
	return CV_OK;
}

/*
 * Each definition's row, merged into groups of identical rows: the rows
 * of up to PIECE_MAX definitions at a time are made on all workers, then
 * join their groups in by_base order on this thread, so the groups and
 * their numbers are the same whatever the number of workers.
 */
static int make_groups(cv_grid *g, size_t *group_of_def)
{
	grouping x = {g, 0, malloc(PIECE_MAX * 2 * g->rowlen + 1), malloc(sizeof(uint64_t) * PIECE_MAX)};
	index_table rows = {0};
	size_t np = 0, i = 0, cap = 0, nc = g->rowlen;
	piece *p = pieces_new(&np, g);
	int rc = CV_ENOMEM;

	if (!p || !x.rows || !x.hash || table_init(&rows, g->ndefinitions))
		goto out;
	warm_zones(g);
	while (i < np) {
		size_t end = i + 1, d;
		while (end < np && p[end].hi - p[i].lo <= PIECE_MAX)
			end++;
		x.lo = p[i].lo;
		if ((rc = walk_pieces(g, p, i, end, NULL, g->ncand, 1, keep_row, &x)))
			goto out;
		for (d = p[i].lo; d < p[end - 1].hi; d++) {
			size_t k = d - x.lo, def = g->by_base[d];
			const uint8_t *row = x.rows + k * 2 * nc;
			if ((rc = intern_row(&group_of_def[def], g, &rows, &cap, row, row + nc, x.hash[k],
					     g->def_rep[def])))
				goto out;
		}
		i = end;
	}
	rc = CV_OK;
out:
	table_free(&rows);
	free(x.rows);
	free(x.hash);
	free(p);
	return rc;
}

static int build_groups(cv_grid *g)
{
	const cv_roster *r = g->roster;
	size_t ns = r->count, ndef = 0, nbase = 0, i, j;
	size_t *def_of = malloc(sizeof(size_t) * (ns + 1));   /* student -> definition; kept */
	size_t *def_rep = malloc(sizeof(size_t) * (ns + 1));  /* definition -> first student */
	size_t *base_rep = malloc(sizeof(size_t) * (ns + 1)); /* base -> first definition's student */
	size_t *base_of = malloc(sizeof(size_t) * (ns + 1));  /* definition -> base */
	size_t *by_base = NULL, *base_start = NULL, *count = NULL;
	size_t *group_of_def = malloc(sizeof(size_t) * (ns + 1));
	index_table defs = {0}, bases = {0};
	int rc = CV_ENOMEM;

	if (!def_of || !def_rep || !base_rep || !base_of || !group_of_def ||
	    table_init(&defs, ns) || table_init(&bases, ns))
		goto out;
	/* 1. distinct definitions, and distinct bases (the same without away dates) */
	for (i = 0; i < ns; i++) {
		size_t before = ndef;
		def_of[i] = intern(&defs, def_rep, &ndef, r, i, 1);
		if (ndef > before)
			base_of[def_of[i]] = intern(&bases, base_rep, &nbase, r, i, 0);
	}
	/* 2. definitions ordered by base (counting sort, stable), so one base's
	 *    bitsets at a time serve all the definitions made from it.  Groups
	 *    are numbered in this order: it depends on the roster alone, and no
	 *    result depends on it (the solver's optimum is unique: value, then
	 *    the earliest slots).  The grid keeps the order for
	 *    cv_grid_definition_weeks(). */
	by_base = malloc(sizeof(size_t) * (ndef + 1));
	base_start = calloc(nbase + 2, sizeof(size_t));
	if (!by_base || !base_start)
		goto out;
	for (j = 0; j < ndef; j++)
		base_start[base_of[j] + 1]++;
	for (j = 0; j < nbase; j++)
		base_start[j + 1] += base_start[j];
	for (j = 0; j < ndef; j++)
		by_base[base_start[base_of[j]]++] = j;
	for (j = nbase; j > 0; j--)
		base_start[j] = base_start[j - 1];
	base_start[0] = 0;
	g->def_rep = def_rep;
	g->nbase = nbase;
	g->base_rep = base_rep;
	g->base_start = base_start;
	g->by_base = by_base;
	def_rep = base_rep = base_start = by_base = NULL; /* the grid's now */
	/* 3. each definition's row, merged into groups of identical rows */
	g->ndefinitions = ndef;
	if ((rc = make_groups(g, group_of_def)))
		goto out;
	/* 4. members, weights (counting sort keeps roster order inside a group) */
	rc = CV_ENOMEM;
	g->weight = calloc(g->ngroups + 1, sizeof(*g->weight));
	g->member_start = calloc(g->ngroups + 1, sizeof(*g->member_start));
	g->members = malloc(sizeof(size_t) * (ns + 1));
	g->student_group = malloc(sizeof(size_t) * (ns + 1));
	count = calloc(g->ngroups + 1, sizeof(size_t));
	if (!g->weight || !g->member_start || !g->members || !g->student_group || !count)
		goto out;
	for (i = 0; i < ns; i++) {
		size_t gi = group_of_def[def_of[i]];
		g->student_group[i] = gi;
		g->weight[gi] += r->students[i].weight;
		count[gi]++;
	}
	for (j = 1; j <= g->ngroups; j++)
		g->member_start[j] = g->member_start[j - 1] + count[j - 1];
	memset(count, 0, sizeof(size_t) * (g->ngroups + 1));
	for (i = 0; i < ns; i++) {
		size_t gi = g->student_group[i];
		g->members[g->member_start[gi] + count[gi]++] = i;
	}
	g->definition = def_of;
	def_of = NULL;
	rc = CV_OK;
out:
	table_free(&defs);
	table_free(&bases);
	free(by_base);
	free(base_start);
	free(def_of);
	free(def_rep);
	free(base_rep);
	free(base_of);
	free(group_of_def);
	free(count);
	return rc;
}

int cv_grid_build(cv_grid **out, const cv_course *course, const cv_roster *roster)
{
	return cv_grid_build_threads(out, course, roster, 0);
}

int cv_grid_build_threads(cv_grid **out, const cv_course *course, const cv_roster *roster,
			  unsigned threads)
{
	cv_grid *g = calloc(1, sizeof(*g));
	int rc;

	if (!g)
		return CV_ENOMEM;
	g->course = course;
	g->roster = roster;
	g->threads = Cv_threads_pick(threads);
	if ((rc = build_candidates(g)) || (rc = build_occurrences(g)) || (rc = build_groups(g))) {
		cv_grid_free(g);
		return rc;
	}
	*out = g;
	return CV_OK;
}

void cv_grid_free(cv_grid *g)
{
	if (!g)
		return;
	free(g->week_minute);
	free(g->duration);
	free(g->week_phase);
	free(g->occ);
	free(g->occ_by_week);
	free(g->occ_count);
	free(g->weight);
	free(g->member_start);
	free(g->members);
	free(g->student_group);
	free(g->rep);
	free(g->definition);
	free(g->def_rep);
	free(g->base_rep);
	free(g->base_start);
	free(g->by_base);
	free(g->attend);
	free(g->preferred);
	free(g);
}

const cv_course *cv_grid_course(const cv_grid *g) { return g->course; }
const cv_roster *cv_grid_roster(const cv_grid *g) { return g->roster; }
size_t cv_grid_candidates(const cv_grid *g) { return g->ncand; }
size_t cv_grid_weeks(const cv_grid *g) { return g->nweeks; }
size_t cv_grid_groups(const cv_grid *g) { return g->ngroups; }

cv_slot cv_grid_slot(const cv_grid *g, size_t c)
{
	cv_slot s;
	s.weekday = (uint8_t)(g->week_minute[c] / CV_DAY_MINUTES);
	s.start = (uint16_t)(g->week_minute[c] % CV_DAY_MINUTES);
	return s;
}

int cv_grid_find(size_t *out, const cv_grid *g, cv_slot slot)
{
	unsigned t = slot.weekday * 1440u + slot.start;
	size_t lo = 0, hi = g->ncand;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (g->week_minute[mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == g->ncand || g->week_minute[lo] != t)
		return CV_ENOTFOUND;
	*out = lo;
	return CV_OK;
}

unsigned cv_grid_week_minute(const cv_grid *g, size_t c)
{
	return g->week_minute[c];
}

int cv_grid_compatible(const cv_grid *g, size_t a, size_t b)
{
	if (g->duration[a] != g->duration[b])
		return Cv_week_apart2(g->week_minute[a], g->duration[a], g->week_minute[b],
				      g->duration[b], (int32_t)g->course->min_gap);
	return Cv_week_apart(g->week_minute[a], g->week_minute[b], (int32_t)g->duration[a],
			     (int32_t)g->course->min_gap);
}

int cv_grid_occurrence(int64_t *out, const cv_grid *g, size_t c, size_t week)
{
	int64_t s;
	if (week >= g->nweeks)
		return CV_ENOTFOUND;
	s = g->occ[c * g->nweeks + week];
	if (s == NO_OCCURRENCE)
		return CV_ENOTFOUND;
	*out = s;
	return CV_OK;
}

unsigned cv_grid_occurrence_count(const cv_grid *g, size_t c)
{
	return g->occ_count[c];
}

uint64_t cv_grid_group_weight(const cv_grid *g, size_t k)
{
	return g->weight[k];
}

const size_t *cv_grid_group_members(const cv_grid *g, size_t k, size_t *n)
{
	*n = g->member_start[k + 1] - g->member_start[k];
	return g->members + g->member_start[k];
}

size_t cv_grid_student_definition(const cv_grid *g, size_t student)
{
	return g->definition[student];
}

size_t cv_grid_definitions(const cv_grid *g)
{
	return g->ndefinitions;
}

size_t cv_grid_student_group(const cv_grid *g, size_t student)
{
	return g->student_group[student];
}

unsigned cv_grid_attend(const cv_grid *g, size_t k, size_t c)
{
	return g->attend[k * g->rowlen + c];
}

const uint8_t *cv_grid_attend_row(const cv_grid *g, size_t k)
{
	return g->attend + k * g->rowlen;
}

const uint8_t *cv_grid_preferred_row(const cv_grid *g, size_t k)
{
	return g->preferred + k * g->rowlen;
}

unsigned cv_grid_preferred(const cv_grid *g, size_t k, size_t c)
{
	return g->preferred[k * g->rowlen + c];
}

size_t cv_grid_phases(const cv_grid *g)
{
	return g->nphase;
}

int cv_grid_week_phase(unsigned *out, const cv_grid *g, size_t week)
{
	if (week >= g->nweeks || g->week_phase[week] < 0)
		return CV_ENOTFOUND;
	*out = (unsigned)g->week_phase[week];
	return CV_OK;
}

const uint8_t *cv_grid_attend_phase_row(const cv_grid *g, size_t k, size_t phase)
{
	return g->attend + k * g->rowlen + (g->nphase > 1 ? (1 + phase) * g->ncand : 0);
}

const uint8_t *cv_grid_preferred_phase_row(const cv_grid *g, size_t k, size_t phase)
{
	return g->preferred + k * g->rowlen + (g->nphase > 1 ? (1 + phase) * g->ncand : 0);
}

unsigned cv_grid_duration(const cv_grid *g, size_t c)
{
	return g->duration[c];
}

/* cv_grid_definition_weeks()'s visit: the bitsets, week-major, into the
 * definition's blocks. */
typedef struct weeks_job {
	const cv_grid *g;
	size_t ncands;
	uint64_t *res;
} weeks_job;

static int put_weeks(void *ctx, size_t def, size_t at, const uint8_t *row, const uint64_t *bits)
{
	weeks_job *x = ctx;
	size_t wpw = (x->ncands + 63) / 64, w, j;
	int pref;
	(void)at;
	(void)row;

	for (pref = 0; pref < 2; pref++)
		for (w = 0; w < x->g->nweeks; w++)
			for (j = 0; j < x->ncands; j++)
				if (bits[((size_t)pref * x->g->nweeks + w) * wpw + j / 64] & (1ULL << (j % 64)))
					x->res[((def * x->ncands + j) * 2 + (size_t)pref) * CV_WEEK_WORDS +
					       w / 64] |= 1ULL << (w % 64);
	return CV_OK;
}

int cv_grid_definition_weeks(uint64_t **out, const cv_grid *g, const size_t *cands,
			     size_t ncands)
{
	weeks_job x = {g, ncands,
		       calloc(g->ndefinitions * ncands * 2 * CV_WEEK_WORDS + 1, sizeof(uint64_t))};
	size_t np = 0;
	piece *p = pieces_new(&np, g);
	int rc;

	if (!x.res || !p) {
		free(x.res);
		free(p);
		return CV_ENOMEM;
	}
	/* the same walk as cv_grid_build()'s counts; each definition's blocks
	 * are its own, so the workers never write the same word */
	rc = walk_pieces(g, p, 0, np, cands, ncands, 0, put_weeks, &x);
	free(p);
	if (rc) {
		free(x.res);
		return rc;
	}
	*out = x.res;
	return CV_OK;
}

int Cv_grid_attend_weeks(uint64_t out[CV_WEEK_WORDS], const cv_grid *g, size_t k, size_t c)
{
	const cv_avail *a = g->roster->students[g->rep[k]].avail;
	int64_t span = (int64_t)g->duration[c] * CV_MINUTE_SECONDS;
	cv_interval *iv = NULL;
	size_t n = 0, w;

	int rc;

	memset(out, 0, sizeof(uint64_t) * CV_WEEK_WORDS);
	rc = cv_avail_intervals(&iv, &n, a, ((int64_t)g->monday0 - 2) * CV_DAY_SECONDS,
				((int64_t)g->monday0 + 7 * (int64_t)g->nweeks + 2) * CV_DAY_SECONDS, 0);
	if (rc)
		return rc;
	for (w = 0; w < g->nweeks; w++) {
		int64_t s = g->occ[c * g->nweeks + w];
		if (s != NO_OCCURRENCE && cv_intervals_cover(iv, n, s, s + span))
			out[w / 64] |= 1ULL << (w % 64);
	}
	free(iv);
	return CV_OK;
}
